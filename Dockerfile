# syntax=docker/dockerfile:1
# Multi-stage: build with the toolchain (better-sqlite3 compiles a native addon), run as the
# unprivileged `node` user with production dependencies only.

# The stages that depend on the package files alone come first, so that a builder can keep them
# (by tag: scripts/build-image.mjs) and reuse them until the Dockerfile or the package files
# change: the toolchain and every dependency, the production ones, and the runtime image's
# layers below the application.
FROM node:24-bookworm-slim AS deps
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY spa/package.json spa/
RUN npm ci --no-audit --no-fund

FROM deps AS prod-deps
RUN npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim AS runtime-deps
# Memory (README "Memory"): a smaller young generation, an old generation that grows by at most
# 1.6x its live size between full collections (V8 allows 4x under a multi-GiB limit), and fewer,
# trimmed malloc arenas keep the resident set after load near the live heap.
ENV NODE_ENV=production \
    NODE_OPTIONS="--max-semi-space-size=16 --max-old-space-size=1024" \
    MALLOC_ARENA_MAX=2 \
    MALLOC_TRIM_THRESHOLD_=131072 \
    HOST=0.0.0.0 \
    SQLITE_PATH=/data/auth.sqlite
WORKDIR /app
COPY --from=prod-deps /app/package.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
RUN mkdir -p /data && chown node:node /data

FROM deps AS build
COPY . .
RUN npm run build

FROM runtime-deps AS runtime
COPY --from=build /app/dist ./dist
COPY --from=build /app/spa/dist ./spa/dist
# `docker compose exec auth npm run admin -- users add <name>`, and its aliases `npm run keys`
# and `npm run hash-password` (README: Operations).
COPY --from=build /app/scripts/admin.mjs ./scripts/admin.mjs
USER node
VOLUME ["/data"]
EXPOSE 5000 5001 8010 5173
# Readiness, not liveness: healthy once the role's store answers, its keys are loaded and (API,
# MCP) the issuer's JWKS is fetched; unhealthy while it drains. HEALTH_PORT names the role's port.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.HEALTH_PORT || 5001) + '/ready').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]
