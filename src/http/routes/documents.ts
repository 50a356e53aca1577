import { Hono } from 'hono'
import { z } from 'zod'
import { UnavailableError } from '../../errors.ts'
import { documentDownload, generateDocument, getDocument } from '../../runs/documents.ts'
import { variablesSchema } from '../../runs/trigger.ts'
import { jsonBody } from '../body.ts'
import type { AppEnv } from '../env.ts'
import { documentRoute } from '../openapi.ts'

const generateSchema = z.object({ variables: variablesSchema.optional() }).default({})

const documentSchema = z.object({
  data: z.object({
    id: z.string(),
    type: z.literal('documents'),
    attributes: z.object({
      category: z.literal('report'),
      file_name: z.string().nullable(),
      file_path: z.string().nullable(),
      file_type: z.string().nullable(),
      status: z.enum(['queued', 'available', 'failed']),
      user_id: z.string().nullable(),
      created_at: z.string(),
      updated_at: z.string(),
      error: z.string().nullable(),
    }),
  }),
})

documentRoute({
  method: 'post',
  path: '/api/v2/:org/reports/:id/generate',
  summary:
    'Generate the report as a document (seed 003); variables as [{name, value}] or a map, over the stored ones',
  tag: 'documents',
  body: generateSchema,
  response: documentSchema,
  responses: { '202': 'Queued: the document (poll it)' },
})
documentRoute({
  method: 'get',
  path: '/api/v2/:org/documents/:id',
  summary: 'A document: queued, then available (file name and type) or failed',
  tag: 'documents',
  response: documentSchema,
})
documentRoute({
  method: 'get',
  path: '/api/v2/:org/documents/:id/download',
  summary: "A signed, expiring URL to the document's file, usable without credentials",
  tag: 'documents',
  response: z.object({ url: z.string(), expires_at: z.string() }),
  responses: { '200': 'The URL', '409': 'Not available (yet)' },
})

/** Mounted under /v2/:org/reports. */
export const generateRoutes = new Hono<AppEnv>().post('/:id/generate', async (c) => {
  const { variables } = await jsonBody(c, generateSchema, { optional: true })
  return c.json(await generateDocument(c.get('ctx'), c.req.param('id'), variables), 202)
})

/** Mounted under /v2/:org/documents. */
export const documentRoutes = new Hono<AppEnv>()
  .get('/:id', async (c) => c.json(await getDocument(c.get('ctx'), c.req.param('id'))))
  .get('/:id/download', async (c) => {
    const deps = c.get('deps')
    if (!deps.links) throw new UnavailableError('Signed downloads are not configured')
    return c.json(
      await documentDownload(c.get('ctx'), c.req.param('id'), {
        links: deps.links,
        publicUrl: deps.config.publicUrl,
      }),
    )
  })
