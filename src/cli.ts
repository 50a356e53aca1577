import { parseArgs } from 'node:util'
import { clientEnv, loadConfig } from './config.ts'
import { openAndMigrate } from './db/open.ts'

const USAGE = `Usage: herald <command> [options]

Commands:
  serve                         start the server (same as npm start)
  migrate                       apply database migrations and exit
  trigger <org> <report>        run a report now and wait for it; <report> is an id or folder/name
      --var k=v                 override a dashboard variable (repeatable)
      --from <phrase>           start of the time range, e.g. "3 days ago", "beginning of month"
      --to <phrase>             end of the time range, e.g. "now", "today 00:00"
      --to-email <address>      send only to this address (repeatable)
      --dry-run                 render and record, send nothing
      --wait <seconds>          how long to wait for the run (default 300)
  runs <org> <report>           list the report's recent runs
      --limit <n>               how many (default 20)

Client commands use HERALD_URL (default http://127.0.0.1:5080) and HERALD_TOKEN (an API token).
Exit codes: 0 the run succeeded, 1 it failed, 2 usage or connection error, 3 still running.`

class UsageError extends Error {}

interface Client {
  url: string
  headers: Record<string, string>
}

function client(): Client {
  const env = clientEnv()
  if (!env.token)
    throw new UsageError('HERALD_TOKEN is not set (create one with POST /api/v2/{org}/tokens)')
  return {
    url: env.url,
    headers: { authorization: `Bearer ${env.token}`, 'content-type': 'application/json' },
  }
}

async function call(c: Client, method: string, path: string, body?: unknown) {
  const res = await fetch(`${c.url}${path}`, {
    method,
    headers: c.headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  let json: Record<string, unknown> = {}
  try {
    json = JSON.parse(text)
  } catch {
    json = { message: text }
  }
  return { status: res.status, json }
}

/** An id, or `folder/name` resolved through the list endpoint. */
async function resolveReport(c: Client, org: string, ref: string): Promise<string> {
  if (/^[0-9A-Za-z]{27}$/.test(ref)) return ref
  const slash = ref.indexOf('/')
  const folder = slash > 0 ? ref.slice(0, slash) : 'default'
  const name = slash > 0 ? ref.slice(slash + 1) : ref
  const q = new URLSearchParams({ report_name_substring: name })
  const { status, json } = await call(c, 'GET', `/api/v2/${encodeURIComponent(org)}/reports?${q}`)
  if (status !== 200) throw new UsageError(`Could not list reports: ${json.message ?? status}`)
  const list = json as unknown as {
    report_id: string
    name: string
    folder_id: string
    folder_name: string
  }[]
  const hit = list.find(
    (r) => r.name === name && (r.folder_id === folder || r.folder_name === folder),
  )
  if (!hit) throw new UsageError(`No report named ${name} in folder ${folder}`)
  return hit.report_id
}

function parseVars(vars: string[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const v of vars) {
    const eq = v.indexOf('=')
    if (eq < 1) throw new UsageError(`--var expects key=value, got "${v}"`)
    const k = v.slice(0, eq)
    const value = v.slice(eq + 1)
    const prev = out[k]
    out[k] = prev === undefined ? value : [...(Array.isArray(prev) ? prev : [prev]), value]
  }
  return out
}

async function trigger(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      var: { type: 'string', multiple: true, default: [] },
      from: { type: 'string' },
      to: { type: 'string' },
      'to-email': { type: 'string', multiple: true },
      'dry-run': { type: 'boolean', default: false },
      wait: { type: 'string', default: '300' },
    },
  })
  const [org, ref] = positionals
  if (!org || !ref) throw new UsageError('trigger needs <org> <report>')
  if ((values.from === undefined) !== (values.to === undefined)) {
    throw new UsageError('--from and --to go together')
  }
  const wait = Number(values.wait)
  if (!Number.isInteger(wait) || wait < 0) throw new UsageError('--wait takes whole seconds')
  const c = client()
  const id = await resolveReport(c, org, ref)
  const body: Record<string, unknown> = {}
  if (values.var.length) body.variables = parseVars(values.var)
  if (values.from !== undefined) body.timerange = { from: values.from, to: values.to }
  if (values['to-email']) body.destinations = values['to-email']
  if (values['dry-run']) body.dry_run = true
  const { status, json } = await call(
    c,
    'PUT',
    `/api/v2/${encodeURIComponent(org)}/reports/${id}/trigger?wait=${wait}`,
    body,
  )
  if (json.run_id) process.stdout.write(`run ${json.run_id} ${json.state}\n`)
  if (status === 200) return 0
  if (status === 202) return 3
  process.stderr.write(`${json.message ?? `HTTP ${status}`}\n`)
  return json.run_id ? 1 : 2
}

async function runs(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { limit: { type: 'string', default: '20' } },
  })
  const [org, ref] = positionals
  if (!org || !ref) throw new UsageError('runs needs <org> <report>')
  const c = client()
  const id = await resolveReport(c, org, ref)
  const { status, json } = await call(
    c,
    'GET',
    `/api/v2/${encodeURIComponent(org)}/reports/${id}/runs?limit=${Number(values.limit) || 20}`,
  )
  if (status !== 200) {
    process.stderr.write(`${json.message ?? `HTTP ${status}`}\n`)
    return 2
  }
  for (const r of json.list as Record<string, unknown>[]) {
    const when = r.scheduled_for ?? r.created_at
    process.stdout.write(
      `${r.run_id}  ${String(r.state).padEnd(16)} ${String(r.trigger).padEnd(8)} ${when}${r.error ? `  ${r.error}` : ''}\n`,
    )
  }
  return 0
}

export async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  try {
    switch (command) {
      case 'serve': {
        const { main } = await import('./main.ts')
        await main()
        return await new Promise<number>(() => {})
      }
      case 'migrate': {
        const { close } = await openAndMigrate(loadConfig())
        await close()
        process.stdout.write('migrations applied\n')
        return 0
      }
      case 'trigger':
        return await trigger(rest)
      case 'runs':
        return await runs(rest)
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(`${USAGE}\n`)
        return command === undefined ? 2 : 0
      default:
        throw new UsageError(`Unknown command "${command}"`)
    }
  } catch (err) {
    if (
      err instanceof UsageError ||
      (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      process.stderr.write(`${(err as Error).message}\n\n${USAGE}\n`)
      return 2
    }
    if (err instanceof TypeError && /fetch failed/.test(err.message)) {
      process.stderr.write(
        `Cannot reach Herald at ${clientEnv().url}: ${(err.cause as Error)?.message ?? err.message}\n`,
      )
      return 2
    }
    throw err
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  run(process.argv.slice(2)).then((code) => {
    process.exitCode = code
  })
}
