import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Role } from '../config/config';
import { createMcpApp } from '../mcp/mcp.app';
import { createAuthApp } from '../auth/auth.app';
import { createSpaApp } from '../spa/spa.app';
import { createApiApp } from '../weather/api.app';
import { RoleContext } from '../core/role-context';

type RoleApp = (context: RoleContext) => Promise<NestFastifyApplication>;

export const ROLE_APPS: Record<Role, RoleApp> = {
  auth: createAuthApp,
  api: createApiApp,
  mcp: createMcpApp,
  spa: createSpaApp,
};
