import { AppConfig } from '../config/config';

/**
 * The one line a new user reads after `npm start`: where to go and how to sign in. It names
 * the public URLs of the roles this process runs, and the development user only when this
 * process's AuthServer loads the development users.
 */
export function readyBanner({ roles, shared, auth }: AppConfig): string {
  const parts: string[] = [];
  if (roles.has('spa')) parts.push(`open ${shared.spaUrl}`);
  if (roles.has('auth') && auth.devUsers) parts.push('sign in as alice / alice');
  if (roles.has('api')) parts.push(`Swagger UI ${shared.apiBaseUrl}/swagger`);
  if (roles.has('mcp')) parts.push(`MCP ${shared.mcpResource}`);
  if (roles.has('auth')) parts.push(`issuer ${shared.issuer}`);
  return `ready: ${parts.join(' · ')}`;
}
