import { z } from 'zod';
import { commaList, optionalText, text } from './env-fields';
import { isPlaceholder, PLACEHOLDER_KEY_PROBLEM, PLACEHOLDER_PROBLEM } from './placeholder';

/** Development values; the process refuses to start in production while any is still in use. */
export const DEV_SECRETS = {
  mcpclient: 'mcpclient_secret',
  m2m: '511536EF-F270-4058-80CA-1C89C192F69A',
  mcpServer: 'mcp_server_dev_secret',
} as const;

/** A client secret that production refuses while it is the development value or a placeholder. */
export function clientSecret(production: boolean, devValue: string) {
  return text(devValue)
    .refine((value) => !production || value !== devValue, {
      error: 'must be set to a non-development value in production',
    })
    .refine((value) => !production || !isPlaceholder(value), { error: PLACEHOLDER_PROBLEM });
}

/** Keys that sign cookies: production needs its own, each at least 32 characters. */
export function cookieKeys(production: boolean) {
  return optionalText()
    .transform((raw) => (raw ? commaList(raw) : undefined))
    .refine((keys) => !production || !keys?.some(isPlaceholder), {
      error: PLACEHOLDER_KEY_PROBLEM,
    })
    .refine((keys) => !production || (keys !== undefined && keys.every((k) => k.length >= 32)), {
      error: '(comma-separated, each at least 32 characters) is required in production',
    });
}

/** The MCP server's secret only matters while no key replaces it. */
export function refuseDevSecret(production: boolean, value: string, ctx: z.RefinementCtx) {
  if (!production) return;
  if (value === DEV_SECRETS.mcpServer) {
    ctx.addIssue({
      code: 'custom',
      path: ['MCP_SERVER_CLIENT_SECRET'],
      message: 'must be set to a non-development value in production (or MCP_CLIENT_KEY_FILE)',
    });
  } else if (isPlaceholder(value)) {
    ctx.addIssue({
      code: 'custom',
      path: ['MCP_SERVER_CLIENT_SECRET'],
      message: `${PLACEHOLDER_PROBLEM} (or MCP_CLIENT_KEY_FILE)`,
    });
  }
}
