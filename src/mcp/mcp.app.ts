import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { McpConfig } from '../config/config';
import { RevocationView } from '../storage/revocation-view';
import type { DpopProofOptions } from '../bearer/dpop-proof.check';
import { createRoleApp } from '../core/create-role-app';
import { RoleContext } from '../core/role-context';
import { useJsonRpcParseErrors } from './transport/json-rpc-parse-errors';
import { createMcpEndpoint } from './transport/mcp.endpoint';
import { McpModule } from './mcp.module';
import { OriginPolicy } from './transport/origin-policy';

/** What the MCP server needs besides the role context: its section and the revocation view. */
export interface McpServices {
  readonly config: McpConfig;
  readonly revocations: RevocationView;
  readonly dpop: DpopProofOptions;
}

export async function createMcpApp(
  context: RoleContext,
  { config, revocations, dpop }: McpServices,
): Promise<NestFastifyApplication> {
  const endpoint = createMcpEndpoint(context.shared);
  const app = await createRoleApp(
    McpModule.forRoot(context, { config, revocations, dpop, endpoint }),
    context,
  );
  useJsonRpcParseErrors(app);

  const origins = app.get(OriginPolicy);
  // Browser-based MCP clients: the MCP headers they send, and the challenge they must read.
  app.enableCors({
    origin: (origin, callback) => callback(null, origin !== undefined && origins.allows(origin)),
    methods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
    allowedHeaders: [
      'Authorization',
      'DPoP',
      'Content-Type',
      'Accept',
      'MCP-Protocol-Version',
      'Mcp-Method',
      'Mcp-Name',
      'Mcp-Session-Id',
      'Last-Event-ID',
    ],
    exposedHeaders: ['WWW-Authenticate', 'DPoP-Nonce', 'Mcp-Session-Id', 'MCP-Protocol-Version'],
    maxAge: 600,
  });

  // The system calls listen() after this returns: the MCP transport must be started first.
  endpoint.strategy.setHttpAdapter(app.getHttpAdapter());
  app.connectMicroservice({ strategy: endpoint.strategy });
  await app.startAllMicroservices();
  return app;
}
