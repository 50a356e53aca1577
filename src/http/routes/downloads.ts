import { Hono } from 'hono'
import { z } from 'zod'
import { UnavailableError } from '../../errors.ts'
import { getSignedRunOutput } from '../../runs/downloads.ts'
import { signedRunPage } from '../../runs/run-page.ts'
import { queryOf } from '../body.ts'
import type { AppEnv } from '../env.ts'
import { fileResponse, outputIndex } from '../file.ts'
import { documentRoute } from '../openapi.ts'
import { sendRunPage } from '../run-page.ts'

const signedQuery = z.object({
  expires: z.string().max(20).optional(),
  sig: z.string().max(200).optional(),
})

documentRoute({
  method: 'get',
  path: '/dl/:org/:runId/:n',
  summary: 'Download a run output through a signed, expiring link (from an email; no login)',
  tag: 'runs',
  query: signedQuery,
  public: true,
  responses: { '200': 'The file', '403': 'Tampered or expired link' },
})

documentRoute({
  method: 'get',
  path: '/dl/:org/:runId',
  summary:
    "A run's page through the signed, expiring link of its email (no login): title, times, range, state, signed links to its files",
  tag: 'runs',
  query: signedQuery,
  public: true,
  responses: {
    '200': 'HTML page',
    '403': 'Tampered link (HTML page)',
    '404': 'Run gone (HTML page)',
    '410': 'Expired link (HTML page)',
  },
})

/**
 * Signed download links, mounted outside /api: the signature is the credential, so these
 * requests carry no Authorization header and must not meet the authenticate middleware.
 */
export const downloadRoutes = new Hono<AppEnv>()
  .get('/:org/:runId', async (c) => {
    const deps = c.get('deps')
    if (!deps.links) throw new UnavailableError('Signed links are not configured')
    const { org, runId } = c.req.param()
    const { expires, sig } = queryOf(c, signedQuery)
    const { database, clock, links } = deps
    const page = await signedRunPage(
      { database, clock, links, publicUrl: deps.config.publicUrl },
      { org, runId },
      expires,
      sig,
    )
    return sendRunPage(c, page)
  })
  .get('/:org/:runId/:n', async (c) => {
    const deps = c.get('deps')
    if (!deps.links) throw new UnavailableError('Signed downloads are not configured')
    const { org, runId } = c.req.param()
    const index = outputIndex(c.req.param('n'))
    const { expires, sig } = queryOf(c, signedQuery)
    const file = await getSignedRunOutput(
      { database: deps.database, clock: deps.clock, links: deps.links },
      { org, runId, index },
      expires,
      sig,
    )
    return fileResponse(c, file)
  })
