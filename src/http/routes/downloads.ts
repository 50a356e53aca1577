import { Hono } from 'hono'
import { z } from 'zod'
import { getSignedRunOutput } from '../../delivery/index.ts'
import { UnavailableError } from '../../errors.ts'
import { queryOf } from '../body.ts'
import type { AppEnv } from '../env.ts'
import { describe } from '../openapi.ts'
import { outputIndex, sendFile } from '../send-file.ts'

const signedQuery = z.object({
  expires: z.string().max(20).optional(),
  sig: z.string().max(200).optional(),
})

describe({
  method: 'get',
  path: '/dl/:org/:runId/:n',
  summary: 'Download a run output through a signed, expiring link (from an email; no login)',
  tag: 'runs',
  query: signedQuery,
  public: true,
  responses: { '200': 'The file', '403': 'Tampered or expired link' },
})

/**
 * Signed download links, mounted outside /api: the signature is the credential, so these
 * requests carry no Authorization header and must not meet the authenticate middleware.
 */
export const downloadRoutes = new Hono<AppEnv>().get('/:org/:runId/:n', async (c) => {
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
  return sendFile(c, file)
})
