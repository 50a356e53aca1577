import type { Context } from 'hono'
import { Hono } from 'hono'
import { z } from 'zod'
import { previewSchedule, previewSchema } from '../../reports/preview.ts'
import { findReportIdByName } from '../../reports/queries.ts'
import { getRunOutput } from '../../runs/downloads.ts'
import { isFinal } from '../../runs/model.ts'
import { presentRun, runPath } from '../../runs/present.ts'
import {
  cancelRun,
  getRunDetail,
  listRuns,
  presentNewRun,
  runListQuery,
} from '../../runs/queries.ts'
import { retryFailedDeliveries } from '../../runs/redeliver.ts'
import { cloneRun, createRunSchema, triggerReport, triggerSchema } from '../../runs/trigger.ts'
import { jsonBody, queryOf } from '../body.ts'
import type { AppEnv } from '../env.ts'
import { envelopeBody } from '../errors.ts'
import { fileResponse, outputIndex } from '../file.ts'
import { documentRoute } from '../openapi.ts'
import { halJson } from '../respond.ts'

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
  summary:
    'Run a report now and wait for it (?wait= seconds); body format overrides report_type for this run',
  tag: 'runs',
  query: waitQuery,
  body: triggerSchema,
  responses: { '200': 'Succeeded', '202': 'Still running (see Location)', '500': 'The run failed' },
})
const link = z.object({ href: z.string() })
/** A run as the list, create and clone answer it; the detail adds outputs and deliveries. */
const runSchema = z.object({
  run_id: z.string(),
  report_id: z.string(),
  trigger: z.enum(['schedule', 'manual', 'api']),
  state: z.string(),
  scheduled_for: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  attempt: z.number(),
  skipped_slots: z.number(),
  error: z.string().nullable(),
  parameters: z.record(z.string(), z.unknown()),
  is_latest_report_run: z.boolean(),
  is_latest_successful_report_run: z.boolean(),
  report_has_failures_since_last_success: z.boolean(),
  _links: z.object({
    self: link,
    report: link,
    outputs: link,
    clone: link,
    content: link.optional(),
    pdf_export: link.optional(),
  }),
})
const HAL = ['application/hal+json']

documentRoute({
  method: 'get',
  path: `${BASE}/:id/runs`,
  summary:
    'Run history (Mode fields and HAL _links; application/hal+json when asked; filter=updated_at.gt.<ISO>)',
  tag: 'runs',
  query: runListQuery,
  response: z.object({ list: z.array(runSchema), next_cursor: z.string().nullable() }),
  responseTypes: HAL,
})
documentRoute({
  method: 'post',
  path: `${BASE}/:id/runs`,
  summary: 'Start a run with these parameters, as Mode does (202 with the run)',
  tag: 'runs',
  body: createRunSchema,
  response: runSchema,
  responseTypes: HAL,
  responses: { '202': 'Queued: the run (and Location)' },
})
documentRoute({
  method: 'get',
  path: `${BASE}/:id/runs/:runId`,
  summary: 'One run with outputs and deliveries (Mode fields and HAL _links)',
  tag: 'runs',
  response: runSchema.extend({
    outputs: z.array(z.record(z.string(), z.unknown())),
    deliveries: z.array(z.record(z.string(), z.unknown())),
  }),
  responseTypes: HAL,
})
documentRoute({
  method: 'post',
  path: `${BASE}/:id/runs/:runId/clone`,
  summary: 'Start a new run with the same parameters as this one (202 with the new run)',
  tag: 'runs',
  response: runSchema,
  responseTypes: HAL,
  responses: { '202': 'Queued: the new run (and Location)' },
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
    return halJson(
      c,
      await listRuns(c.get('ctx'), c.req.param('id'), q, c.req.queries('filter') ?? []),
    )
  })
  .post('/:id/runs', async (c) => {
    const { parameters, format } = await jsonBody(c, createRunSchema, { optional: true })
    const ctx = c.get('ctx')
    const run = await triggerReport(ctx, c.req.param('id'), { variables: parameters, format })
    c.header('Location', runPath(run))
    return halJson(c, await presentNewRun(ctx, run), 202)
  })
  .get('/:id/runs/:runId', async (c) => {
    const { id, runId } = c.req.param()
    const ctx = c.get('ctx')
    const href = runPath({ org: ctx.org, reportId: id, id: runId })
    return halJson(c, await getRunDetail(ctx, id, runId, href))
  })
  .post('/:id/runs/:runId/clone', async (c) => {
    const { id, runId } = c.req.param()
    const ctx = c.get('ctx')
    const run = await cloneRun(ctx, id, runId)
    c.header('Location', runPath(run))
    return halJson(c, await presentNewRun(ctx, run), 202)
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
