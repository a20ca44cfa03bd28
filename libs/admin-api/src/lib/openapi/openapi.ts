import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { ProblemDto, ProblemItemDto } from './problem.dto';

export const DOCS_PATH = 'api/docs';
const PROBLEM_REF = { $ref: '#/components/schemas/ProblemDto' };
const PUBLIC_PREFIX = '/api/health';

/** The errors any endpoint may answer, as problem+json; each operation keeps the ones it declares itself. */
const COMMON_ERRORS: Record<string, string> = {
  '400': 'invalid parameters or body (problem type validation, with `errors`)',
  '401': 'no bearer token, or an unknown one (WWW-Authenticate: Bearer)',
  '403': 'the token\'s role may not do this (viewers only read)',
  '429': 'too many failed authentications from this address (Retry-After)',
  '500': 'unexpected error (logged with the request id)',
  '503': 'the request took longer than ETL_REQUEST_TIMEOUT_MS',
};

/** The OpenAPI document of the whole HTTP app, served at /api/docs (UI) and /api/docs-json. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('dirsync admin API')
    .setDescription(
      'User-directory imports, the directory, FTP sources and operations. Every endpoint but /api/health* needs ' +
        '`Authorization: Bearer <token>` (create one with `etl tokens create --role admin|viewer`): viewers may GET, admins may do everything. ' +
        'Errors are application/problem+json (RFC 9457) with a stable `type`. Every response carries X-Request-Id.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'an API token (dsk_…) or ETL_ADMIN_TOKEN' }, 'bearer')
    .addSecurityRequirements('bearer')
    .build();
  const document = SwaggerModule.createDocument(app, config, { extraModels: [ProblemDto, ProblemItemDto] });
  return completeDocument(document);
}

/** Every operation: a tag, a summary, the security it really has, and its error responses as problem+json. */
export function completeDocument(document: OpenAPIObject): OpenAPIObject {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch', 'head'] as const) {
      const operation = item[method];
      if (!operation) continue;
      operation.tags = operation.tags?.length ? operation.tags : [path.split('/')[2] ?? 'api'];
      operation.summary ??= `${method.toUpperCase()} ${path}`;
      const isPublic = path === PUBLIC_PREFIX || path.startsWith(`${PUBLIC_PREFIX}/`);
      if (isPublic) operation.security = [];
      const responses = (operation.responses ??= {});
      for (const [code, description] of Object.entries(COMMON_ERRORS)) {
        if (isPublic && code !== '500' && code !== '503') continue;
        if (code === '403' && method === 'get') continue;
        responses[code] ??= { description };
      }
      for (const [code, response] of Object.entries(responses)) {
        if (!response || Number(code) < 400 || !('description' in response)) continue;
        const content = (response.content ??= {});
        const schema = content['application/json']?.schema ?? PROBLEM_REF;
        delete content['application/json'];
        content['application/problem+json'] ??= { schema };
      }
    }
  }
  return document;
}

/** Serves the Swagger UI at /api/docs and the JSON at /api/docs-json (public: they hold no data). */
export function setupOpenApi(app: INestApplication): void {
  SwaggerModule.setup(DOCS_PATH, app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: `${DOCS_PATH}-json`,
    customSiteTitle: 'dirsync admin API',
    swaggerOptions: { persistAuthorization: false, docExpansion: 'list', defaultModelsExpandDepth: 0 },
  });
}
