import SwaggerParser from '@apidevtools/swagger-parser';
import { JSON_SCHEMA, load as parseYaml } from 'js-yaml';
import type { OpenAPI, OpenAPIV3 } from 'openapi-types';
import type { ProtectedApi } from '../../config/config';
import { ApiCallError, ApiHttpClient } from '../upstream/api-http';
import { readCappedFile } from './capped-file';
import { OpenApiDocumentError } from './openapi-document.error';

/** Larger descriptions exist, but not for APIs whose operations fit a model's tool list. */
export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;

/**
 * swagger-parser reads nothing itself: no external `$ref` is followed, and with its file and
 * HTTP resolvers off not even a misconfigured option could make it open a `file:` URL named
 * by a remote document or fetch a URL named by a local one. A `$ref` that does not point into
 * the document costs its operation (./schema-defs.ts).
 */
const NO_RESOLVERS = { resolve: { external: false, file: false, http: false } };

/**
 * Reads an API's OpenAPI 3 document, a URL or a file, within MAX_DOCUMENT_BYTES (counted
 * while reading, whatever Content-Length says), without following redirects, and checks it
 * with swagger-parser. Its `$ref`s stay as they are.
 */
export async function loadOpenApiDocument(
  api: ProtectedApi,
  http: ApiHttpClient,
): Promise<OpenAPIV3.Document> {
  const remote = /^https?:\/\//.test(api.openapi);
  // Named in messages (they are logged) without a query string, which may hold a key.
  const where = remote ? withoutQuery(api.openapi) : api.openapi;
  const text = remote
    ? await fetchDocument(api.openapi, where, http)
    : (await readCappedFile(api.openapi, MAX_DOCUMENT_BYTES)).toString('utf8');
  const parsed = parseDocument(where, text.replace(/^\uFEFF/, ''));
  let document: OpenAPI.Document;
  try {
    document = await SwaggerParser.parse(parsed, NO_RESOLVERS);
  } catch (error) {
    throw new OpenApiDocumentError('refused', `${where} is not an OpenAPI document`, {
      cause: error,
    });
  }
  if (!('openapi' in document) || !String(document.openapi).startsWith('3.')) {
    throw new OpenApiDocumentError('refused', `${where} is not an OpenAPI 3 document`);
  }
  return document as OpenAPIV3.Document;
}

async function fetchDocument(url: string, where: string, http: ApiHttpClient): Promise<string> {
  let answer;
  try {
    answer = await http.send(
      { url, method: 'GET', headers: { accept: 'application/json, application/yaml;q=0.9' } },
      MAX_DOCUMENT_BYTES,
    );
  } catch (error) {
    const tooLarge = error instanceof ApiCallError && error.code === 'too_large';
    throw new OpenApiDocumentError(
      tooLarge ? 'refused' : 'unavailable',
      tooLarge ? `${where} is larger than ${MAX_DOCUMENT_BYTES} bytes` : `${where} is unreachable`,
      { cause: error },
    );
  }
  // A redirect is not followed: the document is read from where the configuration says.
  if (answer.status >= 300 && answer.status < 400) {
    throw new OpenApiDocumentError(
      'refused',
      `${where} answered a redirect (HTTP ${answer.status})`,
    );
  }
  if (answer.status !== 200) {
    throw new OpenApiDocumentError('unavailable', `${where} answered HTTP ${answer.status}`);
  }
  return answer.text;
}

/** JSON, or YAML with the JSON schema (no custom tags), as swagger-parser itself reads YAML. */
function parseDocument(where: string, text: string): OpenAPI.Document {
  let parsed: unknown;
  try {
    parsed = text.trimStart().startsWith('{')
      ? JSON.parse(text)
      : parseYaml(text, { schema: JSON_SCHEMA });
  } catch (error) {
    throw new OpenApiDocumentError('refused', `${where} is neither JSON nor YAML`, {
      cause: error,
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new OpenApiDocumentError('refused', `${where} is not a document`);
  }
  return parsed as OpenAPI.Document;
}

function withoutQuery(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}
