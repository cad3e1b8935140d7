import type { INestApplication, Type } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIV3 } from 'openapi-types';
import { RESOURCE_SERVER, TOKEN_VERIFIER } from '../../src/bearer/bearer.tokens';
import type { ProtectedApi } from '../../src/config/apis';
import type { SharedConfig } from '../../src/config/config';
import { apiTools } from '../../src/mcp/openapi/operation-tools';
import { weatherOpenApiDocument } from '../../src/weather/openapi-document';
import { WeatherService } from '../../src/weather/weather.service';

/**
 * The OpenAPI document the API role serves when it declares `controllers`, for the first API
 * of `shared`: a Nest application of those controllers, closed again once it is built.
 */
export async function weatherDocumentOf(
  shared: SharedConfig,
  controllers: Type[],
): Promise<OpenAPIObject> {
  const moduleRef = await Test.createTestingModule({
    controllers,
    providers: [
      WeatherService,
      // Only the OpenAPI document is read here: no request reaches the bearer guard.
      { provide: RESOURCE_SERVER, useValue: {} },
      { provide: TOKEN_VERIFIER, useValue: {} },
    ],
  }).compile();
  const app: INestApplication = moduleRef.createNestApplication(new FastifyAdapter());
  await app.init();
  try {
    return weatherOpenApiDocument(app, shared, shared.apis[0]!);
  } finally {
    await app.close();
  }
}

/** The MCP tools of `document`, read as the MCP server reads it: checked by swagger-parser. */
export async function toolsOfDocument(api: ProtectedApi, document: OpenAPIObject) {
  // Its $refs are left for $defs.
  const resolved = await SwaggerParser.parse(
    structuredClone(document) as unknown as OpenAPIV3.Document,
  );
  return apiTools(api, resolved as OpenAPIV3.Document, undefined);
}
