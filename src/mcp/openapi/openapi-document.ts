import SwaggerParser from '@apidevtools/swagger-parser';
import { load as parseYaml } from 'js-yaml';
import type { OpenAPIV3 } from 'openapi-types';
import type { ProtectedApi } from '../../config/config';

const TIMEOUT_MS = 10_000;
/** Larger descriptions exist, but not for APIs whose operations fit a model's tool list. */
const MAX_BYTES = 5 * 1024 * 1024;

/**
 * Reads an API's OpenAPI 3 document and resolves its `$ref`s with swagger-parser. A URL is
 * fetched here (timeout, size cap) and only internal references are followed; a file may
 * reference its neighbours.
 */
export async function loadOpenApiDocument(api: ProtectedApi): Promise<OpenAPIV3.Document> {
  const remote = /^https?:\/\//.test(api.openapi);
  const options = { resolve: { external: !remote }, dereference: { circular: true } };
  const document = remote
    ? await SwaggerParser.dereference(await fetchDocument(api.openapi), options)
    : await SwaggerParser.dereference(api.openapi, options);
  if (!('openapi' in document) || !String(document.openapi).startsWith('3.')) {
    throw new Error(`${api.openapi} is not an OpenAPI 3 document`);
  }
  return document as OpenAPIV3.Document;
}

async function fetchDocument(url: string): Promise<OpenAPIV3.Document> {
  const response = await fetch(url, {
    headers: { accept: 'application/json, application/yaml;q=0.9' },
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > MAX_BYTES) throw new Error(`${url} is larger than ${MAX_BYTES} bytes`);
  const text = await response.text();
  if (text.length > MAX_BYTES) throw new Error(`${url} is larger than ${MAX_BYTES} bytes`);
  const parsed: unknown = text.trimStart().startsWith('{') ? JSON.parse(text) : parseYaml(text);
  if (typeof parsed !== 'object' || parsed === null) throw new Error(`${url} is not a document`);
  return parsed as OpenAPIV3.Document;
}
