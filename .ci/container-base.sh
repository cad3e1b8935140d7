#!/usr/bin/env bash
# Podman, and the Dockerfile's base image (node:24-bookworm-slim), on a machine whose only
# network is the npm registry and Debian's mirror, so Docker Hub's image cannot be pulled. The
# stand-in is what that image holds: Debian bookworm (debootstrap, minimal), Node from the npm
# registry's per-platform package (binary and headers, for better-sqlite3's build), npm, and a
# `node` user of uid 1000. Idempotent: does nothing when podman and the image are there.
# Needs root. Usage: .ci/container-base.sh
set -euo pipefail
NODE_LINE=24
IMAGE="docker.io/library/node:${NODE_LINE}-bookworm-slim"

missing=()
for tool in podman runc debootstrap; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The machine may not raise resource limits, and podman's defaults ask for more than the hard
# limit: containers get exactly the limits this shell has. runc, since crun is not installed.
if [ ! -f /etc/containers/containers.conf ]; then
  mkdir -p /etc/containers
  printf '[containers]\ndefault_ulimits = ["nofile=%s:%s", "nproc=4096:4096"]\n[engine]\nruntime = "runc"\n' \
    "$(ulimit -Hn)" "$(ulimit -Hn)" >/etc/containers/containers.conf
fi

if podman image exists "$IMAGE"; then exit 0; fi
echo "== building $IMAGE locally (Docker Hub is out of reach)"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
root="$scratch/root"
if ! debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >"$scratch/log" 2>&1; then
  tail -n 30 "$scratch/log"
  exit 1
fi
npm install --silent --no-save --no-package-lock --no-audit --no-fund \
  --prefix "$scratch/node" "node-linux-$(uname -m | sed 's/x86_64/x64/;s/aarch64/arm64/')@$NODE_LINE"
node_home=$(echo "$scratch"/node/node_modules/node-linux-*)
install -m 0755 "$node_home/bin/node" "$root/usr/local/bin/node"
mkdir -p "$root/usr/local/include"
cp -r "$node_home/include/." "$root/usr/local/include/"
PATH="$node_home/bin:$PATH" npm install --global --silent --no-audit --no-fund --prefix "$root/usr/local" npm@11
# npm in the image compiles addons against those headers, and trusts the CA bundle that
# `podman build -v /etc/ssl/certs:/etc/ssl/certs:ro` lends it (minbase has none of its own).
mkdir -p "$root/usr/local/etc"
cat >"$root/usr/local/etc/npmrc" <<'NPMRC'
nodedir=/usr/local
cafile=/etc/ssl/certs/ca-certificates.crt
update-notifier=false
NPMRC
chroot "$root" useradd --create-home --uid 1000 --shell /bin/bash node
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
tar -C "$root" -c . | podman import \
  --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin' \
  --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
  --change 'CMD ["node"]' - "$IMAGE" >/dev/null
echo "== built $IMAGE"
