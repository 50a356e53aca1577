/**
 * api: requests/s of GET one report and GET the list of 1,000 reports in a folder through
 * Herald's full stack (Bearer token of a `viewer`, RBAC on: auth, org context, Casbin, queries,
 * presentation, request log), against a bare Hono + postgres.js server running the same SELECT
 * (bench/baseline-server.ts) on the same database, in the same run (DESIGN §11: ≥ 60 %).
 *
 * Herald is a process of its own (HERALD_ROLES=api) on a fresh PostgreSQL database; the folder,
 * dashboard, first report and token are made through its API, the other 999 reports are copies
 * of the first inserted with SQL. autocannon (programmatic) drives the targets in turns (Herald,
 * bare, Herald, bare, …: `--rounds` each, `--duration-s` in all per target) after a warm-up,
 * so load from elsewhere on the machine falls on both alike.
 *
 *   npm run bench -- api [--connections 16] [--duration-s 12] [--rounds 3] [--reports 1000] [--log-level info]
 *                        [--cpu-prof [--keep-prof]]
 */

import { spawn } from 'node:child_process'
import { loadavg } from 'node:os'
import autocannon from 'autocannon'
import postgres from 'postgres'
import { dashboardBody } from '../test/helpers/factories.ts'
import {
  flags,
  freePort,
  note,
  ROOT,
  ROOT_EMAIL,
  ROOT_PASSWORD,
  result,
  round1,
  scratchDatabase,
  spawnHerald,
  tempDir,
  topSelfTime,
  verdict,
} from './lib.ts'

const BUDGET = 0.6
const ORG = 'bench'

const f = flags()
const CONNECTIONS = f.num('connections', 16)
const DURATION_S = f.num('duration-s', 12)
const ROUNDS = f.num('rounds', 3)
const WARMUP_S = f.num('warmup-s', 2)
const REPORTS = f.num('reports', 1000)
const LOG_LEVEL = f.str('log-level', 'info')

const basic = `Basic ${Buffer.from(`${ROOT_EMAIL}:${ROOT_PASSWORD}`).toString('base64')}`

async function call(base: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: basic, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`)
  return JSON.parse(text)
}

/** A folder with `n` reports (one through the API, the rest copied in SQL) and a viewer token. */
async function seed(base: string, url: string, n: number) {
  const folder = await call(base, 'POST', `/api/v2/${ORG}/folders/reports`, {
    name: 'Bench folder',
    description: 'api bench',
  })
  const dashboard = await call(
    base,
    'POST',
    `/api/v2/${ORG}/dashboards?folder=default`,
    dashboardBody({ title: 'Bench dashboard' }),
  )
  const report = await call(base, 'POST', `/api/v2/${ORG}/reports?folder=${folder.folderId}`, {
    name: 'bench-000000',
    title: 'Weekly ops',
    description: 'The weekly operations report',
    message: 'Hello team, here is the weekly report.',
    enabled: true,
    start: (Date.now() + 7 * 86_400_000) * 1000,
    frequency: { type: 'weeks', interval: 1, cron: '' },
    timezone: 'Europe/Berlin',
    timezoneOffset: 60,
    dashboards: [
      {
        folder: 'default',
        dashboard: dashboard.id,
        tabs: ['default'],
        variables: [],
        timerange: { type: 'relative', period: '1w', from: 0, to: 0 },
        report_type: 'pdf',
        email_attachment_type: 'standard',
      },
    ],
    destinations: [{ email: 'ops@example.com' }, { email: 'cto@example.com' }],
    imagePreview: false,
  })
  const token = await call(base, 'POST', `/api/v2/${ORG}/tokens`, {
    name: 'bench-viewer',
    roles: ['viewer'],
  })
  const sql = postgres(url, { max: 1, onnotice: () => {} })
  try {
    const { newId } = await import('../src/lib/ids.ts')
    const ids = Array.from({ length: n - 1 }, () => newId())
    const names = ids.map((_, i) => `bench-${String(i + 1).padStart(6, '0')}`)
    await sql`
      insert into reports
      select x.id, r.org, r.folder_type, r.folder_id, x.name, r.title, r.description, r.message,
             r.enabled, r.frequency, r.start_us, r.timezone, r.tz_offset_minutes, r.dashboards,
             r.destinations, r.image_preview, r.owner, r.last_edited_by, r.created_at,
             r.updated_at, r.next_run_at, r.last_triggered_at, r.schedule_version
      from reports r, unnest(${ids}::text[], ${names}::text[]) as x(id, name)
      where r.id = ${report.id}`
    await sql`
      insert into report_dashboards (report_id, org, dashboard_id)
      select id, org, ${dashboard.id} from reports where id <> ${report.id}`
    await sql`vacuum analyze`
  } finally {
    await sql.end({ timeout: 5 })
  }
  return { folder: folder.folderId as string, reportId: report.id as string, token: token.token }
}

function startBaseline(url: string): Promise<{ port: number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/baseline-server.ts', url], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  const stop = async () => {
    child.kill('SIGTERM')
    const t = setTimeout(() => child.kill('SIGKILL'), 5_000)
    await exited
    clearTimeout(t)
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('baseline server did not start')), 30_000)
    child.stdout.once('data', (d: Buffer) => {
      clearTimeout(timer)
      resolve({ port: (JSON.parse(d.toString()) as { port: number }).port, stop })
    })
    child.once('exit', (code) => reject(new Error(`baseline server exited (${code})`)))
  })
}

interface Load {
  rps: number
  p50_ms: number
  p99_ms: number
  non2xx: number
  errors: number
}

async function load(url: string, headers: Record<string, string>, seconds: number) {
  const r = await autocannon({ url, connections: CONNECTIONS, duration: seconds, headers })
  return { r, requests: r.requests.total, seconds: r.duration }
}

/**
 * Targets measured in turns (a round visits each once), so a burst of load from elsewhere on
 * the machine hits every target alike; a warm-up run of each first, not counted.
 */
async function compare(
  targets: { url: string; headers: Record<string, string> }[],
): Promise<Load[]> {
  for (const t of targets) await load(t.url, t.headers, WARMUP_S)
  const acc = targets.map(() => ({
    requests: 0,
    seconds: 0,
    p50: [] as number[],
    p99: [] as number[],
    non2xx: 0,
    errors: 0,
  }))
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, t] of targets.entries()) {
      const { r, requests, seconds } = await load(t.url, t.headers, DURATION_S / ROUNDS)
      const a = acc[i]!
      a.requests += requests
      a.seconds += seconds
      a.p50.push(r.latency.p50)
      a.p99.push(r.latency.p99)
      a.non2xx += r.non2xx
      a.errors += r.errors + r.timeouts
    }
  }
  return acc.map((a) => ({
    rps: Math.round(a.requests / Math.max(0.001, a.seconds)),
    p50_ms: round1(Math.max(...a.p50)),
    p99_ms: round1(Math.max(...a.p99)),
    non2xx: a.non2xx,
    errors: a.errors,
  }))
}

async function main(): Promise<void> {
  const db = await scratchDatabase('api')
  const port = await freePort()
  const prof = f.has('cpu-prof') ? tempDir('herald-api-prof-') : undefined
  const herald = spawnHerald(
    { DATABASE_URL: db.url, HERALD_ROLES: 'api', PORT: String(port), LOG_LEVEL },
    { nodeArgs: prof ? ['--cpu-prof', `--cpu-prof-dir=${prof.dir}`] : [] },
  )
  let baseline: Awaited<ReturnType<typeof startBaseline>> | undefined
  try {
    await herald.started
    const h = `http://127.0.0.1:${port}`
    const s = await seed(h, db.url, REPORTS)
    note(`api: ${REPORTS} reports in folder ${s.folder}; viewer token ready`)
    baseline = await startBaseline(db.url)
    const b = `http://127.0.0.1:${baseline.port}`
    const auth = { authorization: `Bearer ${s.token}` }
    // Sanity: both answer the same rows.
    const [hl, bl] = await Promise.all([
      fetch(`${h}/api/v2/${ORG}/reports?folder=${s.folder}`, { headers: auth }).then((r) =>
        r.json(),
      ),
      fetch(`${b}/api/v2/${ORG}/reports?folder=${s.folder}`).then((r) => r.json()),
    ])
    if (!Array.isArray(hl) || hl.length !== REPORTS || (bl as unknown[]).length !== REPORTS) {
      throw new Error(`list sizes differ: Herald ${JSON.stringify(hl).slice(0, 300)}`)
    }
    const one = `/api/v2/${ORG}/reports/${s.reportId}`
    const list = `/api/v2/${ORG}/reports?folder=${s.folder}`
    const [hGet, bGet] = await compare([
      { url: `${h}${one}`, headers: auth },
      { url: `${b}${one}`, headers: {} },
    ])
    const [hList, bList] = await compare([
      { url: `${h}${list}`, headers: auth },
      { url: `${b}${list}`, headers: {} },
    ])
    if (!hGet || !bGet || !hList || !bList) throw new Error('unreachable')
    const getRatio = Math.round((hGet.rps / Math.max(1, bGet.rps)) * 100) / 100
    const listRatio = Math.round((hList.rps / Math.max(1, bList.rps)) * 100) / 100
    const clean = [hGet, bGet, hList, bList].every((x) => x.non2xx === 0 && x.errors === 0)
    result({
      bench: 'api',
      connections: CONNECTIONS,
      duration_s: DURATION_S,
      rounds: ROUNDS,
      reports: REPORTS,
      auth: 'bearer viewer token, RBAC on',
      log_level: LOG_LEVEL,
      get_rps: hGet.rps,
      get_p99_ms: hGet.p99_ms,
      base_get_rps: bGet.rps,
      base_get_p99_ms: bGet.p99_ms,
      get_ratio: getRatio,
      list_rps: hList.rps,
      list_p99_ms: hList.p99_ms,
      base_list_rps: bList.rps,
      base_list_p99_ms: bList.p99_ms,
      list_ratio: listRatio,
      non2xx: hGet.non2xx + bGet.non2xx + hList.non2xx + bList.non2xx,
      errors: hGet.errors + bGet.errors + hList.errors + bList.errors,
      load_avg_1m: loadavg()[0],
    })
    const ok = (r: number) => (r >= BUDGET ? 'ok' : 'missed')
    verdict(
      clean && getRatio >= BUDGET && listRatio >= BUDGET,
      `api: GET one ${hGet.rps}/s vs bare ${bGet.rps}/s = ${getRatio} (${ok(getRatio)}); ` +
        `list ${REPORTS} ${hList.rps}/s vs bare ${bList.rps}/s = ${listRatio} ` +
        `(${ok(listRatio)}); budget ≥ ${BUDGET}${clean ? '' : '; some requests failed'} ` +
        '(DESIGN §11)',
    )
  } finally {
    await baseline?.stop()
    await herald.stop()
    await db.drop()
  }
  if (prof) {
    process.stderr.write('Herald CPU profile, top self time:\n')
    for (const line of topSelfTime(prof.dir)) process.stderr.write(`  ${line}\n`)
    if (f.has('keep-prof')) note(`profile kept in ${prof.dir}`)
    else prof.remove()
  }
}

await main()
