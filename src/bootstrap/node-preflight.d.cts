/** Loading the module refuses a Node older than 22.12 (exit 1); this is its check. */
export function unsupportedNode(
  version: string,
  platform: string,
  arch: string,
): string | undefined;
