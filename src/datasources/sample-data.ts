/**
 * Demo data for the embedded `sample` datasource: three tables with plausible shapes (weekly
 * seasonality, growth, country mix, a latency incident) generated from a fixed seed, so the same
 * `nowMs` always yields the same rows and reports rendered from them are reproducible.
 */

export const sampleSchemaSql = `
CREATE TABLE IF NOT EXISTS orders (
  id integer PRIMARY KEY,
  created_at timestamptz NOT NULL,
  country text NOT NULL,
  product text NOT NULL,
  amount numeric(10, 2) NOT NULL,
  status text NOT NULL
);
CREATE INDEX IF NOT EXISTS orders_created_at_idx ON orders (created_at);
CREATE TABLE IF NOT EXISTS signups (
  created_at timestamptz NOT NULL,
  country text NOT NULL,
  plan text NOT NULL,
  channel text NOT NULL
);
CREATE INDEX IF NOT EXISTS signups_created_at_idx ON signups (created_at);
CREATE TABLE IF NOT EXISTS latency (
  ts timestamptz NOT NULL,
  service text NOT NULL,
  endpoint text NOT NULL,
  p50_ms double precision NOT NULL,
  p95_ms double precision NOT NULL,
  p99_ms double precision NOT NULL
);
CREATE INDEX IF NOT EXISTS latency_ts_idx ON latency (ts);
`

export type Exec = (sql: string, params?: unknown[]) => Promise<unknown>

const DAY = 86_400_000
const HOUR = 3_600_000
export const SAMPLE_DAYS = 90

/** Countries with their share of traffic; the dashboard's `country` variable offers these. */
export const sampleCountries = [
  ['United States', 0.3],
  ['Germany', 0.14],
  ['United Kingdom', 0.13],
  ['France', 0.1],
  ['India', 0.11],
  ['Brazil', 0.08],
  ['Japan', 0.08],
  ['Canada', 0.06],
] as const

const PRODUCTS = [
  ['Starter kit', 29],
  ['Pro license', 149],
  ['Team license', 499],
  ['Support plan', 89],
  ['Training course', 249],
  ['Cloud credits', 50],
  ['Hardware token', 35],
  ['Consulting day', 1200],
] as const

// Cheap products sell more often than expensive ones.
const PRODUCT_WEIGHTS = PRODUCTS.map(([p, price]) => [p, 1 / Math.sqrt(price), price] as const)

const STATUSES = [
  ['completed', 0.78],
  ['pending', 0.1],
  ['refunded', 0.05],
  ['cancelled', 0.07],
] as const

const PLANS = [
  ['free', 0.55],
  ['pro', 0.3],
  ['team', 0.12],
  ['enterprise', 0.03],
] as const

const CHANNELS = [
  ['organic', 0.4],
  ['paid search', 0.25],
  ['referral', 0.2],
  ['social', 0.15],
] as const

const ENDPOINTS = [
  ['api', 'GET /orders', 38],
  ['api', 'POST /orders', 95],
  ['search', 'GET /search', 120],
  ['search', 'GET /suggest', 22],
  ['checkout', 'POST /pay', 310],
  ['checkout', 'GET /cart', 45],
] as const

/** mulberry32: tiny, fast and good enough for demo data. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function pick<T extends readonly [string, number, ...unknown[]]>(
  rand: () => number,
  table: readonly T[],
): T {
  let r = rand() * table.reduce((s, t) => s + t[1], 0)
  for (const t of table) {
    r -= t[1]
    if (r <= 0) return t
  }
  return table[table.length - 1]!
}

/** Poisson-ish count around `mean` (normal approximation is plenty at these sizes). */
function around(rand: () => number, mean: number): number {
  const gauss = (rand() + rand() + rand() - 1.5) * 2
  return Math.max(0, Math.round(mean + gauss * Math.sqrt(mean)))
}

/** Weekends are quieter, and the business grows about 40 % over the 90 days. */
function activity(dayStart: number, daysAgo: number): number {
  const weekday = new Date(dayStart).getUTCDay()
  const weekly = weekday === 0 || weekday === 6 ? 0.7 : 1
  return weekly * (1 + (0.4 * (SAMPLE_DAYS - daysAgo)) / SAMPLE_DAYS)
}

function generateOrders(rand: () => number, firstDay: number, nowMs: number): unknown[][] {
  const rows: unknown[][] = []
  for (let d = 0; d <= SAMPLE_DAYS; d++) {
    const dayStart = firstDay + d * DAY
    const n = around(rand, 45 * activity(dayStart, SAMPLE_DAYS - d))
    for (let k = 0; k < n; k++) {
      const at = dayStart + Math.floor(rand() * DAY)
      if (at > nowMs || at < nowMs - SAMPLE_DAYS * DAY) continue
      const [product, , price] = pick(rand, PRODUCT_WEIGHTS)
      const qty = rand() < 0.8 ? 1 : 1 + Math.floor(rand() * 4)
      const amount = Math.round(price * qty * (0.9 + rand() * 0.2) * 100) / 100
      const country = pick(rand, sampleCountries)[0]
      const status = pick(rand, STATUSES)[0]
      rows.push([rows.length + 1, new Date(at), country, product, amount.toFixed(2), status])
    }
  }
  return rows
}

function generateSignups(rand: () => number, firstDay: number, nowMs: number): unknown[][] {
  const rows: unknown[][] = []
  for (let d = 0; d <= SAMPLE_DAYS; d++) {
    const dayStart = firstDay + d * DAY
    const n = around(rand, 30 * activity(dayStart, SAMPLE_DAYS - d))
    for (let k = 0; k < n; k++) {
      const at = dayStart + Math.floor(rand() * DAY)
      if (at > nowMs || at < nowMs - SAMPLE_DAYS * DAY) continue
      rows.push([
        new Date(at),
        pick(rand, sampleCountries)[0],
        pick(rand, PLANS)[0],
        pick(rand, CHANNELS)[0],
      ])
    }
  }
  return rows
}

function generateLatency(rand: () => number, firstHour: number, nowMs: number): unknown[][] {
  const rows: unknown[][] = []
  // A two-day checkout incident three weeks ago gives the charts something to show.
  const incidentStart = nowMs - 21 * DAY
  for (let ts = firstHour; ts <= nowMs; ts += HOUR) {
    const hour = new Date(ts).getUTCHours()
    const load = 0.8 + 0.4 * Math.sin(((hour - 9) / 24) * 2 * Math.PI)
    for (const [service, endpoint, base] of ENDPOINTS) {
      const incident = service === 'checkout' && ts >= incidentStart && ts < incidentStart + 2 * DAY
      const p50 = base * load * (0.9 + rand() * 0.2) * (incident ? 2.5 : 1)
      const p95 = p50 * (1.8 + rand() * 0.6)
      const p99 = p95 * (1.3 + rand() * 0.5)
      rows.push([new Date(ts), service, endpoint, round1(p50), round1(p95), round1(p99)])
    }
  }
  return rows
}

const round1 = (n: number) => Math.round(n * 10) / 10

// Far below the 65,534 bind parameters postgres.js allows, and small enough to keep PGlite's
// per-statement memory flat.
const MAX_PARAMS = 6000

async function insertRows(exec: Exec, table: string, columns: string[], rows: unknown[][]) {
  const perBatch = Math.max(1, Math.floor(MAX_PARAMS / columns.length))
  for (let start = 0; start < rows.length; start += perBatch) {
    const batch = rows.slice(start, start + perBatch)
    const tuples = batch.map((_, r) => {
      const base = r * columns.length
      return `(${columns.map((_c, c) => `$${base + c + 1}`).join(', ')})`
    })
    const sql = `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`
    await exec(sql, batch.flat())
  }
}

/**
 * Replaces the contents of the sample tables (created by `sampleSchemaSql`) with data covering the
 * 90 days before `nowMs`. Deterministic: the same `nowMs` gives the same rows.
 */
export async function seedSample(exec: Exec, nowMs: number): Promise<void> {
  const rand = prng(0x5eed)
  const firstDay = Math.floor((nowMs - SAMPLE_DAYS * DAY) / DAY) * DAY
  const firstHour = Math.floor((nowMs - SAMPLE_DAYS * DAY) / HOUR) * HOUR
  await exec('TRUNCATE orders, signups, latency')
  await insertRows(
    exec,
    'orders',
    ['id', 'created_at', 'country', 'product', 'amount', 'status'],
    generateOrders(rand, firstDay, nowMs),
  )
  await insertRows(
    exec,
    'signups',
    ['created_at', 'country', 'plan', 'channel'],
    generateSignups(rand, firstDay, nowMs),
  )
  await insertRows(
    exec,
    'latency',
    ['ts', 'service', 'endpoint', 'p50_ms', 'p95_ms', 'p99_ms'],
    generateLatency(rand, firstHour, nowMs),
  )
}
