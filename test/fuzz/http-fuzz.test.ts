import { sql } from 'drizzle-orm'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { registeredOperations } from '../../src/http/openapi.ts'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { makeDashboard, makeFolder, makeReport, reportBody } from '../helpers/factories.ts'

/**
 * Thousands of generated hostile requests against every registered endpoint: never a 5xx (a
 * trigger's 500 for a failed run aside), never a crash, every error in the envelope, and SQL
 * injection through names, variables and paths stays inert.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 5000)

const hostile = fc.constantFrom(
  "'; DROP TABLE reports; --",
  "' OR '1'='1",
  '"; DELETE FROM folders; --',
  '$1',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal placeholder is the attack
  '${x}',
  '../../etc/passwd',
  '%00',
  '\u0000',
  '%',
  '_',
  '\\',
  '🙂',
  'a'.repeat(5000),
  '<script>alert(1)</script>',
  'null',
  '-1',
  '1e309',
  'NaN',
  'true',
  '{}',
  '[]',
  ' ',
  '',
)
const text = fc.oneof(hostile, fc.string({ maxLength: 40 }), fc.stringMatching(/^[0-9A-Za-z]{27}$/))

/** JSON values with hostile strings mixed in, and report-shaped objects with broken fields. */
const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    text,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(
      fc.oneof(
        text,
        fc.constantFrom('name', 'frequency', 'dashboards', 'ids', 'timerange', 'variables'),
      ),
      tie('value'),
      { maxKeys: 5 },
    ),
  ),
})).value

describe('HTTP fuzzing', () => {
  let t: TestApp
  const real: Record<string, string> = {}

  beforeAll(async () => {
    t = await createTestApp()
    real.org = 'fz'
    real.dash = await makeDashboard(t, 'fz')
    real.folder = await makeFolder(t, 'fz')
    real.report = await makeReport(t, 'fz', real.dash, real.folder, { destinations: [] })
  })
  afterAll(() => t.close())

  it(`answers ${RUNS} hostile requests with 4xx envelopes, never a 5xx`, async () => {
    const ops = registeredOperations().filter((o) => o.path !== '/metrics')
    expect(ops.length).toBeGreaterThan(30)
    const brokenReport = fc.record({
      field: fc.constantFrom(
        'name',
        'frequency',
        'start',
        'dashboards',
        'destinations',
        'timezone',
        'timezoneOffset',
        'enabled',
        'message',
      ),
      value: jsonValue,
    })
    const body = fc.oneof(
      jsonValue.map((v) => ({ raw: JSON.stringify(v) ?? 'null', type: 'application/json' })),
      brokenReport.map(({ field, value }) => ({
        raw: JSON.stringify({ ...reportBody(real.dash!), [field]: value }),
        type: 'application/json',
      })),
      fc.string({ maxLength: 200 }).map((raw) => ({ raw, type: 'application/json' })),
      fc.string({ maxLength: 50 }).map((raw) => ({ raw, type: 'text/plain' })),
      fc.constant({ raw: '{"a":1}', type: 'multipart/form-data' }),
      fc.constant({ raw: 'x'.repeat(1_100_000), type: 'application/json' }),
      fc.constant(undefined),
    )
    const request = fc.record({
      op: fc.constantFrom(...ops),
      params: fc.dictionary(
        fc.constantFrom('org', 'id', 'name', 'folderId', 'type', 'runId', 'email', 'role', 'n'),
        fc.oneof(text, fc.constantFrom('real')),
        { maxKeys: 9 },
      ),
      query: fc.array(
        fc.tuple(
          fc.oneof(
            text,
            fc.constantFrom(
              'folder',
              'value',
              'cache',
              'limit',
              'cursor',
              'order',
              'filter',
              'state',
              'format',
              'tab',
            ),
          ),
          text,
        ),
        { maxLength: 4 },
      ),
      body,
      auth: fc.constantFrom('root', 'root', 'root', 'root', 'none', 'garbage'),
    })

    await fc.assert(
      fc.asyncProperty(request, async ({ op, params, query, body, auth }) => {
        const path = op.path.replace(/:(\w+)/g, (_, name: string) => {
          const v = params[name]
          if (v === undefined || v === 'real') {
            const known: Record<string, string | undefined> = {
              org: real.org,
              id: real.report,
              folderId: real.folder,
              type: 'reports',
            }
            return encodeURIComponent(known[name] ?? 'x')
          }
          return encodeURIComponent(v)
        })
        const qs = new URLSearchParams(query)
        // Never let a fuzzed trigger wait for a run no worker will take.
        if (op.path.endsWith('/trigger')) qs.set('wait', '0')
        const url = `${path}${qs.size ? `?${qs}` : ''}`
        const headers: Record<string, string> = {}
        const withBody = body && op.method !== 'get'
        if (withBody) headers['content-type'] = body.type
        const res = await t.request(op.method.toUpperCase(), url, {
          raw: withBody ? body.raw : undefined,
          headers,
          auth: auth === 'root' ? undefined : auth === 'none' ? null : 'Basic Z2FyYmFnZQ==',
        })
        const ctx = `${op.method.toUpperCase()} ${url} → ${res.status} ${res.text.slice(0, 300)}`
        const triggerFailure =
          op.path.endsWith('/trigger') && res.status === 500 && res.body?.run_id
        if (res.status >= 500 && !triggerFailure) throw new Error(`5xx: ${ctx}`)
        if (res.status >= 400 && path.startsWith('/api/v1/')) {
          // Seed 000's routes answer in that system's documented shape: {error: {code, message}}.
          const e = res.body?.error
          if (typeof e?.code !== 'string' || typeof e?.message !== 'string') {
            throw new Error(`bad seed 000 error: ${ctx}`)
          }
        } else if (res.status >= 400) {
          if (!res.body || typeof res.body !== 'object') throw new Error(`not an envelope: ${ctx}`)
          const { code, message, error, trace_id } = res.body
          if (
            code !== res.status ||
            typeof message !== 'string' ||
            typeof error !== 'string' ||
            typeof trace_id !== 'string'
          ) {
            throw new Error(`bad envelope: ${ctx}`)
          }
        }
      }),
      {
        numRuns: RUNS,
        seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31),
        endOnFailure: true,
      },
    )

    // Injection attempts were inert: the schema and the seeded rows are intact.
    const tables = await t.tdb.database.rows<{ n: number | string }>(
      sql`select count(*)::int as n from information_schema.tables where table_name in ('reports','folders','orgs','users','report_runs')`,
    )
    expect(Number(tables[0]?.n)).toBe(5)
    const root = await t.tdb.database.rows(
      sql`select 1 from users where email = 'root@herald.test'`,
    )
    expect(root).toHaveLength(1)
  }, 600_000)
})
