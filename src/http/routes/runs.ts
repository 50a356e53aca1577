import type { Context } from 'hono'
import { Hono } from 'hono'
import { z } from 'zod'
import { getRunOutput, retryFailedDeliveries } from '../../delivery/index.ts'
import { previewSchedule, previewSchema } from '../../reports/preview.ts'
import { findReportIdByName } from '../../reports/queries.ts'
import { isFinal } from '../../runs/model.ts'
import { presentRun, runPath } from '../../runs/present.ts'
import { cancelRun, getRunDetail, listRuns, runListQuery } from '../../runs/queries.ts'
import { triggerReport, triggerSchema } from '../../runs/trigger.ts'
import { jsonBody, queryOf } from '../body.ts'
import type { AppEnv } from '../env.ts'
import { envelopeBody } from '../errors.ts'
import { fileResponse, outputIndex } from '../file.ts'
import { documentRoute } from '../openapi.ts'

const BASE = '/api/v2/:org/reports'

const waitQuery = z.object({
  wait: z.coerce.number().int().min(0).max(3600).default(60),
})

documentRoute({
  method: 'post',
  path: `${BASE}/schedule/preview`,
  summary: 'Next fire times of a schedule, as the scheduler computes them',
  tag: 'runs',
  body: previewSchema,
})
documentRoute({
  method: 'put',
  path: `${BASE}/:id/trigger`,
  summary: 'Run a report now and wait for it (?wait= seconds)',
  tag: 'runs',
  query: waitQuery,
  body: triggerSchema,
  responses: { '200': 'Succeeded', '202': 'Still running (see Location)', '500': 'The run failed' },
})
documentRoute({
  method: 'get',
  path: `${BASE}/:id/runs`,
  summary: 'Run history',
  tag: 'runs',
  query: runListQuery,
})
documentRoute({
  method: 'get',
  path: `${BASE}/:id/runs/:runId`,
  summary: 'One run with outputs and deliveries',
  tag: 'runs',
})
documentRoute({
  method: 'post',
  path: `${BASE}/:id/runs/:runId/cancel`,
  summary: 'Cancel a queued run',
  tag: 'runs',
})
documentRoute({
  method: 'post',
  path: `${BASE}/:id/runs/:runId/retry`,
  summary: 'Re-deliver a failed or partially failed run to its failed recipients only',
  tag: 'runs',
})
documentRoute({
  method: 'get',
  path: `${BASE}/:id/runs/:runId/outputs/:n`,
  summary: 'Download one output (PDF, PNG, CSV) of a run',
  tag: 'runs',
  responses: { '200': 'The file' },
})
documentRoute({
  method: 'put',
  path: '/api/:org/reports/:name/trigger',
  summary: 'Run a report of the default folder now (v1)',
  tag: 'reports v1',
  query: waitQuery,
})

/**
 * Answers a trigger once the run is final or the wait is over: 200 on success, 500 with the
 * run's error on any other final state, 202 + Location while it is still going.
 */
async function triggerAndWait(
  c: Context<AppEnv>,
  reportId: string,
  body: z.infer<typeof triggerSchema>,
) {
  const { wait } = queryOf(c, waitQuery)
  const run = await triggerReport(c.get('ctx'), reportId, body)
  const seen = wait > 0 ? ((await c.get('deps').waiter.wait(run.id, wait * 1000)) ?? run) : run
  const base = { run_id: seen.id, state: seen.state }
  if (!isFinal(seen.state)) {
    c.header('Location', runPath(seen))
    return c.json({ code: 202, message: 'Report run is still in progress', ...base }, 202)
  }
  if (seen.state === 'succeeded') return c.json({ code: 200, message: 'Report triggered', ...base })
  // The run's own error, in the one error envelope, with which run and how it ended.
  const failure = envelopeBody(c, 'internal', seen.error ?? `Report run ${seen.state}`)
  return c.json({ ...failure, ...base }, 500)
}

export const runRoutes = new Hono<AppEnv>()
  .post('/schedule/preview', async (c) => {
    const body = await jsonBody(c, previewSchema)
    return c.json(previewSchedule(body, c.get('ctx').clock.now()))
  })
  .put('/:id/trigger', async (c) => {
    const body = await jsonBody(c, triggerSchema, { optional: true })
    return triggerAndWait(c, c.req.param('id'), body)
  })
  .get('/:id/runs', async (c) => {
    const q = queryOf(c, runListQuery.extend({ filter: z.unknown().optional() }))
    return c.json(await listRuns(c.get('ctx'), c.req.param('id'), q, c.req.queries('filter') ?? []))
  })
  .get('/:id/runs/:runId', async (c) => {
    const { id, runId } = c.req.param()
    const ctx = c.get('ctx')
    const href = runPath({ org: ctx.org, reportId: id, id: runId })
    return c.json(await getRunDetail(ctx, id, runId, href))
  })
  .post('/:id/runs/:runId/cancel', async (c) => {
    const { id, runId } = c.req.param()
    return c.json(presentRun(await cancelRun(c.get('ctx'), id, runId)))
  })
  .post('/:id/runs/:runId/retry', async (c) => {
    const { id, runId } = c.req.param()
    const { run, recipients } = await retryFailedDeliveries(c.get('ctx'), id, runId)
    c.header('Location', runPath(run))
    return c.json({
      code: 200,
      message: `Run queued again for ${recipients.length} failed recipient(s)`,
      run_id: run.id,
      state: run.state,
      recipients,
    })
  })
  .get('/:id/runs/:runId/outputs/:n', async (c) => {
    const { id, runId } = c.req.param()
    const n = outputIndex(c.req.param('n'))
    return fileResponse(c, await getRunOutput(c.get('ctx'), id, runId, n))
  })

/** v1 trigger: by name, in the default folder. */
export const runV1Routes = new Hono<AppEnv>().put('/:name/trigger', async (c) => {
  const ctx = c.get('ctx')
  const id = await findReportIdByName(ctx, 'default', c.req.param('name'))
  const body = await jsonBody(c, triggerSchema, { optional: true })
  return triggerAndWait(c, id, body)
})
