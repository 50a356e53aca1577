import { z } from 'zod'

/**
 * Routes describe themselves here with the same zod schemas that validate their input, so
 * /openapi.json cannot drift from what the server enforces.
 */
export interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete'
  path: string
  summary: string
  tag: string
  body?: z.ZodType
  query?: z.ZodType
  responses?: Record<string, string>
  /** The success body's shape (the first status of `responses`, or 200). */
  response?: z.ZodType
  /** Media types the success body is also served as (e.g. application/hal+json). */
  responseTypes?: string[]
  public?: boolean
  /** The route family answers errors in seed 000's `{error: {code, message}}` shape. */
  errorStyle?: 'seed000'
}

const operations: Operation[] = []

export function documentRoute(op: Operation): void {
  operations.push(op)
}

/** Every registered operation, e.g. for tests that must cover each endpoint. */
export function registeredOperations(): readonly Operation[] {
  return operations
}

function toOpenApiPath(path: string): string {
  return path.replace(/:(\w+)/g, '{$1}')
}

function jsonSchema(schema: z.ZodType): unknown {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' })
}

export function openApiDocument(version: string): unknown {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const op of operations) {
    const p = toOpenApiPath(op.path)
    const params = [...op.path.matchAll(/:(\w+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }))
    if (op.query) {
      const js = jsonSchema(op.query) as {
        properties?: Record<string, unknown>
        required?: string[]
      }
      for (const [name, schema] of Object.entries(js.properties ?? {})) {
        params.push({
          name,
          in: 'query',
          required: js.required?.includes(name) ?? false,
          schema,
        } as never)
      }
    }
    const responses: Record<string, unknown> = {}
    const entries = Object.entries(op.responses ?? { '200': 'OK' })
    for (const [i, [code, description]] of entries.entries()) {
      responses[code] = { description }
      if (i === 0 && op.response) {
        const schema = z.toJSONSchema(op.response, { io: 'output', unrepresentable: 'any' })
        const types = ['application/json', ...(op.responseTypes ?? [])]
        responses[code] = {
          description,
          content: Object.fromEntries(types.map((t) => [t, { schema }])),
        }
      }
    }
    const errorRef = {
      $ref: `#/components/schemas/${op.errorStyle === 'seed000' ? 'Seed000Error' : 'Error'}`,
    }
    // Every credential check is throttled (src/auth/sign-in-throttle.ts).
    if (!op.public) {
      responses['429'] ??= {
        description:
          'Too many failed sign-ins from this account or address; retry after the lockout',
        headers: {
          'Retry-After': {
            description: 'Seconds until the lockout ends',
            schema: { type: 'integer' },
          },
        },
        content: { 'application/json': { schema: errorRef } },
      }
    }
    responses.default = {
      description: 'Error envelope',
      content: { 'application/json': { schema: errorRef } },
    }
    paths[p] ??= {}
    paths[p][op.method] = {
      summary: op.summary,
      tags: [op.tag],
      parameters: params,
      ...(op.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchema(op.body) } },
            },
          }
        : {}),
      responses,
      ...(op.public ? { security: [] } : {}),
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Herald',
      version,
      description:
        'Folder-scoped, scheduled dashboard reports. Speaks the OpenObserve Reports v2 API.',
    },
    servers: [{ url: '/' }],
    security: [{ basic: [] }, { bearer: [] }],
    paths,
    components: {
      securitySchemes: {
        basic: { type: 'http', scheme: 'basic' },
        bearer: { type: 'http', scheme: 'bearer' },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['code', 'message', 'error', 'trace_id'],
          properties: {
            code: { type: 'integer' },
            message: { type: 'string' },
            error: { type: 'string' },
            trace_id: { type: 'string' },
            description: { type: 'string', description: 'More detail, when there is any' },
            fields: {
              type: 'array',
              items: {
                type: 'object',
                properties: { name: { type: 'string' }, description: { type: 'string' } },
              },
            },
          },
        },
        Seed000Error: {
          type: 'object',
          required: ['error'],
          description: 'The error shape of /api/v1 (seed 000): same statuses and messages',
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: {
                  type: 'string',
                  description:
                    'bad_request, unauthorized, forbidden or not_found (others: rate_limited, unavailable, internal)',
                },
                message: { type: 'string' },
              },
            },
          },
        },
      },
    },
  }
}
