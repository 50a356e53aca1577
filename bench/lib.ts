/**
 * Shared pieces of the benchmarks: a throwaway PostgreSQL database, a Herald child process,
 * /proc readings, bulk report seeding, percentiles and the verdict line. Loopback only.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import postgres from 'postgres'
import { newId } from '../src/lib/ids.ts'
import { NODE_FLAGS } from '../src/node-flags.ts'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
/**
 * The tree Herald processes are started from: this one, unless BENCH_HERALD_ROOT names a copy
 * (to measure a candidate change to src/ side by side without touching the working tree).
 */
export const HERALD_ROOT = process.env.BENCH_HERALD_ROOT || ROOT

/** The PostgreSQL server the benches create their databases on (trust auth on loopback). */
export const PG_URL =
  process.env.BENCH_DATABASE_URL ||
  process.env.DATABASE_URL ||
  'postgres://postgres@127.0.0.1:5432/postgres'

export const ROOT_EMAIL = 'root@bench.test'
export const ROOT_PASSWORD = 'bench-root-password'
export const SECRET = 'herald-bench-secret-0123456789abcdef'
/** What bench/herald-entry.ts prints on stderr once Herald has started. */
export const READY_LINE = '{"bench":"herald-ready"}'

/** `--name value` flags of this script. */
export function flags(argv = process.argv.slice(2)) {
  const get = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`)
    return i >= 0 ? argv[i + 1] : undefined
  }
  return {
    num(name: string, def: number): number {
      const v = get(name)
      const n = v === undefined ? def : Number(v)
      if (!Number.isFinite(n)) throw new Error(`--${name} expects a number, got ${v}`)
      return n
    },
    str(name: string, def: string): string {
      return get(name) ?? def
    },
    has(name: string): boolean {
      return argv.includes(`--${name}`)
    },
  }
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url)
  u.pathname = `/${name}`
  return u.toString()
}

export interface ScratchDatabase {
  name: string
  url: string
  drop(): Promise<void>
}

/** A fresh, empty database on the bench server; `drop()` removes it (forcing sessions off). */
export async function scratchDatabase(tag: string): Promise<ScratchDatabase> {
  const name = `herald_bench_${tag}_${randomBytes(4).toString('hex')}`
  const admin = postgres(PG_URL, { max: 1, onnotice: () => {} })
  try {
    await admin.unsafe(`create database ${name}`)
  } finally {
    await admin.end({ timeout: 5 })
  }
  return {
    name,
    url: withDatabase(PG_URL, name),
    async drop() {
      const a = postgres(PG_URL, { max: 1, onnotice: () => {} })
      try {
        await a.unsafe(`drop database if exists ${name} with (force)`)
      } finally {
        await a.end({ timeout: 5 })
      }
    },
  }
}

export interface HeraldChild {
  child: ChildProcess
  pid: number
  /** The last ~64 KB the process printed (for error messages). */
  tail(): string
  /** Resolves once it is ready; rejects if it exits first or takes > 60 s. */
  started: Promise<void>
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>
}

/**
 * More Node or V8 flags for every Herald process a bench starts, after the shipped ones
 * (BENCH_HERALD_NODE_ARGS, split on spaces): for lab comparisons, e.g. `--no-single-threaded-gc`
 * to measure without a shipped flag. Figures taken with them are lab figures, not the defaults.
 */
const EXTRA_NODE_ARGS = (process.env.BENCH_HERALD_NODE_ARGS ?? '').split(' ').filter(Boolean)

/** Likewise, more environment (BENCH_HERALD_ENV="K=V K2=V2"), e.g. allocator settings. */
const EXTRA_ENV = Object.fromEntries(
  (process.env.BENCH_HERALD_ENV ?? '')
    .split(' ')
    .filter(Boolean)
    .map((kv) => {
      const at = kv.indexOf('=')
      if (at < 1) throw new Error(`BENCH_HERALD_ENV: "${kv}" is not NAME=value`)
      return [kv.slice(0, at), kv.slice(at + 1)]
    }),
)

/**
 * A real Herald process (bench/herald-entry.ts: `src/main.ts`'s config → startHerald, plus a
 * ready line) with a minimal environment of its own. Its logs are read and dropped, keeping
 * only a tail; `nodeArgs` go before the entry (e.g. --cpu-prof).
 */
export function spawnHerald(
  env: Record<string, string>,
  o: { nodeArgs?: string[]; dataDir?: string } = {},
): HeraldChild {
  const dataDir = o.dataDir ?? mkdtempSync(path.join(tmpdir(), 'herald-bench-data-'))
  const child = spawn(
    process.execPath,
    [
      ...NODE_FLAGS,
      ...(o.nodeArgs ?? []),
      ...EXTRA_NODE_ARGS,
      '--import',
      'tsx',
      'bench/herald-entry.ts',
    ],
    {
      cwd: HERALD_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        LOG_LEVEL: 'info',
        DATA_DIR: dataDir,
        HERALD_ROOT_EMAIL: ROOT_EMAIL,
        HERALD_ROOT_PASSWORD: ROOT_PASSWORD,
        HERALD_SECRET: SECRET,
        HERALD_SEED_SAMPLE: 'false',
        ...env,
        ...EXTRA_ENV,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let out = ''
  let seenStart = false
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const started = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Herald did not start:\n${out}`)), 60_000)
    const onData = (d: Buffer) => {
      out += d.toString()
      if (!seenStart && out.includes(READY_LINE)) {
        seenStart = true
        clearTimeout(timer)
        resolve()
      }
      if (out.length > 128 * 1024) out = out.slice(-64 * 1024)
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`Herald exited (${code}) before starting:\n${out}`))
    })
  })
  started.catch(() => {})
  return {
    child,
    pid: child.pid ?? -1,
    tail: () => out.slice(-64 * 1024),
    started,
    async stop(graceMs = 15_000) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        const t = setTimeout(() => child.kill('SIGKILL'), graceMs)
        await exited
        clearTimeout(t)
      }
      if (!o.dataDir) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

const TICKS_PER_S = 100 // USER_HZ on Linux

/** RSS now, peak RSS, and CPU time (user + system) of a process, from /proc. */
export function procStats(pid: number): { rssMb: number; hwmMb: number; cpuMs: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0)
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // Fields after the command name (which may contain spaces) start at the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const ticks = Number(fields[11]) + Number(fields[12])
  return {
    rssMb: Math.round(kb('VmRSS') / 102.4) / 10,
    hwmMb: Math.round(kb('VmHWM') / 102.4) / 10,
    cpuMs: (ticks * 1000) / TICKS_PER_S,
  }
}

/** CPU time (user + system) of every PostgreSQL server process on this machine, in ms. */
export function postgresCpuMs(): number {
  let ticks = 0
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      if (!stat.includes('(postgres)')) continue
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      ticks += Number(fields[11]) + Number(fields[12])
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return (ticks * 1000) / TICKS_PER_S
}

export function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[i] ?? Number.NaN
}

export const round1 = (x: number) => Math.round(x * 10) / 10

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

/** Polls `fn` every `everyMs` until it returns true or `timeoutMs` passes; returns whether it did. */
export async function until(
  fn: () => Promise<boolean>,
  timeoutMs: number,
  everyMs = 100,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await fn()) return true
    if (Date.now() > deadline) return false
    await sleep(everyMs)
  }
}

/** Prints the one JSON line of results. */
export function result(obj: Record<string, unknown>): void {
  console.log(JSON.stringify(obj))
}

/** Prints the verdict line (`PASS …` / `FAIL …`) and sets the exit code on a miss. */
export function verdict(ok: boolean, text: string): void {
  console.log(`${ok ? 'PASS' : 'FAIL'} ${text}`)
  if (!ok) process.exitCode = 1
}

/** Progress and notes go to stderr, so stdout is just the JSON line and the verdict. */
export function note(text: string): void {
  process.stderr.write(`  · ${text}\n`)
}

export type Sql = postgres.Sql

/** The org with its `default` folders (as ensureOrg creates them). */
export async function seedOrg(sql: Sql, org: string): Promise<void> {
  await sql`insert into orgs (id, name) values (${org}, ${org}) on conflict do nothing`
  await sql`
    insert into folders (org, type, id, name, description)
    values (${org}, 'reports', 'default', 'default', 'default'),
           (${org}, 'dashboards', 'default', 'default', 'default')
    on conflict do nothing`
}

export interface SeedReports {
  org: string
  folder?: string
  count: number
  /** When report i is next due (ms since the epoch); also its `start`, so the slot is on-grid. */
  dueAt(i: number): number
  namePrefix?: string
  /** The dashboard the reports reference (any id: the no-op executor never opens it). */
  dashboardId?: string
}

/**
 * Enabled daily reports inserted in bulk (one statement per 10,000, arrays through unnest), as
 * the API would store them. Returns their ids.
 */
export async function seedReports(sql: Sql, s: SeedReports): Promise<string[]> {
  const folder = s.folder ?? 'default'
  const prefix = s.namePrefix ?? 'bench'
  const frequency = { type: 'days', interval: 1, cron: '', align_time: true }
  const dashboards = [
    {
      dashboard: s.dashboardId ?? 'bench-dashboard',
      folder: 'default',
      tabs: ['default'],
      variables: [],
      timerange: { type: 'relative', period: '1d', from: 0, to: 0 },
      report_type: 'pdf',
      email_attachment_type: 'standard',
    },
  ]
  const destinations = [{ email: 'ops@example.com' }]
  const ids: string[] = []
  const CHUNK = 10_000
  for (let from = 0; from < s.count; from += CHUNK) {
    const n = Math.min(CHUNK, s.count - from)
    const chunkIds: string[] = []
    const names: string[] = []
    const due: string[] = []
    const startUs: string[] = []
    for (let i = from; i < from + n; i++) {
      const at = Math.floor(s.dueAt(i))
      chunkIds.push(newId())
      names.push(`${prefix}-${String(i).padStart(6, '0')}`)
      due.push(new Date(at).toISOString())
      startUs.push(String(at * 1000))
    }
    await sql`
      insert into reports (id, org, folder_id, name, title, enabled, frequency, start_us, timezone,
                           dashboards, destinations, owner, last_edited_by, created_at, updated_at,
                           next_run_at)
      select x.id, ${s.org}, ${folder}, x.name, 'Bench report', true, ${sql.json(frequency)},
             x.start_us, 'UTC', ${sql.json(dashboards)}, ${sql.json(destinations)},
             ${ROOT_EMAIL}, ${ROOT_EMAIL}, now(), now(), x.due
      from unnest(${chunkIds}::text[], ${names}::text[], ${due}::timestamptz[],
                  ${startUs}::bigint[]) as x(id, name, due, start_us)`
    ids.push(...chunkIds)
  }
  return ids
}

export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix))
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/** Self time per function (µs) in one .cpuprofile, keyed "name file:line"; idle samples optional. */
function selfTimes(file: string, withIdle: boolean): Map<string, number> {
  const p = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]
    samples: number[]
    timeDeltas: number[]
  }
  const byId = new Map(p.nodes.map((n) => [n.id, n]))
  const self = new Map<string, number>()
  p.samples.forEach((id, i) => {
    const cf = byId.get(id)?.callFrame
    if (!cf) return
    if (!withIdle && (cf.functionName === '(idle)' || cf.functionName === '(program)')) return
    const where = cf.url
      .replace(/^.*node_modules\//, '')
      .replace(/^file:\/\/.*?\/(src|bench)\//, '$1/')
    const key = `${cf.functionName || '(anonymous)'} ${where}:${cf.lineNumber + 1}`
    self.set(key, (self.get(key) ?? 0) + (p.timeDeltas[i] ?? 0))
  })
  return self
}

const profiles = (dir: string) =>
  readdirSync(dir)
    .filter((x) => x.endsWith('.cpuprofile'))
    .map((x) => path.join(dir, x))

const percentLines = (self: Map<string, number>, total: number, top: number, indent = '') =>
  [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, us]) => `${indent}${((100 * us) / Math.max(1, total)).toFixed(1).padStart(5)}%  ${k}`)

/** Per profile file (one per thread): its busy time and the functions with the most self time. */
export function threadSelfTime(dir: string, top = 8): string[] {
  return profiles(dir).flatMap((file) => {
    const self = selfTimes(file, false)
    const busy = [...self.values()].reduce((a, b) => a + b, 0)
    return [
      `${path.basename(file)}: busy ${(busy / 1000).toFixed(0)} ms`,
      ...percentLines(self, busy, top, '  '),
    ]
  })
}

/** The functions with the most self time over every profile in `dir`. */
export function topSelfTime(dir: string, top = 20): string[] {
  const all = new Map<string, number>()
  for (const file of profiles(dir)) {
    for (const [k, us] of selfTimes(file, true)) all.set(k, (all.get(k) ?? 0) + us)
  }
  return percentLines(
    all,
    [...all.values()].reduce((a, b) => a + b, 0),
    top,
  )
}

/**
 * The SMTP sink (bench/smtp-sink.ts) in a process of its own, greeting each connection after
 * `greetingMs`; `stop()` answers how many messages it accepted.
 */
export function startSink(
  greetingMs: number,
): Promise<{ port: number; stop(): Promise<{ accepted: number }> }> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/smtp-sink.ts', String(greetingMs)],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  )
  const lines: string[] = []
  let buf = ''
  const waiters: (() => void)[] = []
  child.stdout?.on('data', (d: Buffer) => {
    buf += d.toString()
    let i = buf.indexOf('\n')
    while (i >= 0) {
      lines.push(buf.slice(0, i))
      buf = buf.slice(i + 1)
      i = buf.indexOf('\n')
    }
    for (const w of waiters.splice(0)) w()
  })
  const nextLine = (n: number, ms: number) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('SMTP sink did not answer')), ms)
      const check = () => {
        if (lines.length >= n) {
          clearTimeout(timer)
          resolve(lines[n - 1]!)
        } else waiters.push(check)
      }
      check()
    })
  return nextLine(1, 30_000).then((line) => ({
    port: (JSON.parse(line) as { port: number }).port,
    async stop() {
      child.kill('SIGTERM')
      const kill = setTimeout(() => child.kill('SIGKILL'), 5_000)
      try {
        return JSON.parse(await nextLine(2, 5_000)) as { accepted: number }
      } finally {
        clearTimeout(kill)
      }
    },
  }))
}

/** A TCP port free on loopback now (for a child server told its PORT). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      s.close(() => resolve(port))
    })
  })
}
