import { Hono } from 'hono'
import { z } from 'zod'
import { getJob, getJobFiles, type JobFile } from '../../runs/jobs.ts'
import { queryOf } from '../body.ts'
import type { AppEnv } from '../env.ts'
import { documentRoute } from '../openapi.ts'

const BASE = '/api/v2/:org/jobs'

const jobQuery = z.object({
  redirect: z.enum(['true', 'false']).optional(),
})

const href = z.object({ href: z.string() })
const jobSchema = z.object({
  job: z.object({
    id: z.string(),
    name: z.string(),
    timezone: z.string(),
    status: z.enum(['CREATED', 'PROCESSING', 'DONE', 'FAILED', 'DELETED']),
    format: z.string(),
    timespan: z.object({ from: z.string().nullable(), to: z.string().nullable() }),
  }),
  _links: z.object({ self: href, files: href }),
})
const filesSchema = z.object({
  files: z.array(
    z.object({
      name: z.string(),
      media_type: z.string(),
      size: z.number(),
      sha256: z.string(),
      href: z.string(),
    }),
  ),
})

documentRoute({
  method: 'get',
  path: `${BASE}/:runId`,
  summary:
    'A run as a job (seed 001): status CREATED/PROCESSING/DONE/FAILED/DELETED; 300 to its files when DONE and asked with ?redirect=true or an Accept of the file type',
  tag: 'jobs',
  query: jobQuery,
  response: jobSchema,
  responses: { '200': 'The job', '300': 'DONE: Location of its files (body: the job)' },
})
documentRoute({
  method: 'get',
  path: `${BASE}/:runId/files`,
  summary: "A DONE job's files, each with the href to download it",
  tag: 'jobs',
  response: filesSchema,
  responses: {
    '200': 'The files',
    '409': 'Not DONE (yet): no files',
    '410': 'DELETED: the files were removed by retention',
  },
})

/** A file whose type the client's Accept names exactly (not a wildcard, not JSON). */
function acceptedFile(accept: string | undefined, files: JobFile[]): JobFile | undefined {
  const wanted = (accept ?? '')
    .split(',')
    .map((t) => t.split(';')[0]!.trim().toLowerCase())
    .filter((t) => t && !t.includes('*') && t !== 'application/json')
  return files.find((f) => wanted.includes(f.media_type.split(';')[0]!.trim().toLowerCase()))
}

export const jobRoutes = new Hono<AppEnv>()
  .get('/:runId', async (c) => {
    const { redirect } = queryOf(c, jobQuery)
    const { files, ...view } = await getJob(c.get('ctx'), c.req.param('runId'))
    if (view.job.status === 'DONE') {
      const file = acceptedFile(c.req.header('accept'), files)
      if (file || redirect === 'true') {
        c.header('Location', file ? file.href : view._links.files.href)
        return c.json(view, 300)
      }
    }
    return c.json(view)
  })
  .get('/:runId/files', async (c) => c.json(await getJobFiles(c.get('ctx'), c.req.param('runId'))))
