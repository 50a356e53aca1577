/**
 * Renders the sample dashboard to PDF and PNG repeatedly and reports median / p95 times against
 * DESIGN §11 (PDF median < 250 ms, PNG median < 400 ms).
 *
 * The parent process seeds an in-memory PGlite and runs the panel queries once; a child process
 * does the rendering, so `peak_rss_mb` is the renderer's and not the database's (~350 MB).
 *
 *   npx tsx bench/render.ts [iterations]
 *
 * `--executor` measures the production path instead: the real ReportExecutor on a report of the
 * seeded sample dashboard, with the sample datasource in its worker thread, Herald's own
 * database in memory, and the outputs stored. It prints the median time of a whole run and of
 * its two halves (panel queries, rendering) as the executor logs them.
 *
 *   npx tsx bench/render.ts --executor [iterations]
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import { pino } from 'pino'
import { systemClock } from '../src/clock.ts'
import { seedSampleDashboard } from '../src/dashboards/seed-sample.ts'
import { Datasources } from '../src/datasources/registry.ts'
import { SampleDatabase } from '../src/datasources/sample.ts'
import { sampleDashboard } from '../src/datasources/sample-dashboard.ts'
import { sampleSchemaSql, seedSample } from '../src/datasources/sample-data.ts'
import { openPglite } from '../src/db/client.ts'
import { migrateDatabase } from '../src/db/migrate.ts'
import { reportRuns, reports } from '../src/db/schema/index.ts'
import { newId } from '../src/lib/ids.ts'
import { bindQuery } from '../src/render/bind-query.ts'
import { renderPdf } from '../src/render/pdf.ts'
import { renderPng } from '../src/render/png.ts'
import { RenderPool } from '../src/render/pool.ts'
import type { RenderedPanel, RenderInput } from '../src/render/types.ts'
import type { RunParameters } from '../src/runs/model.ts'
import { ReportExecutor } from '../src/runs/report-executor.ts'

const BUDGET = { pdfMedianMs: 250, pngMedianMs: 400 }
const WARMUP = 3
const DAY = 86_400_000

async function prepare(): Promise<RenderInput> {
  const now = Date.now()
  const db = new PGlite()
  try {
    await db.exec(sampleSchemaSql)
    await seedSample((sql, params) => db.query(sql, params), now)
    const tab = sampleDashboard.tabs[0]!
    const variables = { country: [...(sampleDashboard.variables[0]?.value ?? [])] }
    const from = new Date(now - 30 * DAY)
    const to = new Date(now)
    const panels: RenderedPanel[] = []
    for (const panel of tab.panels) {
      if (!panel.query) {
        panels.push({ panel })
        continue
      }
      const q = bindQuery(panel.query.sql, { from, to, intervalSeconds: 86_400, variables })
      const res = await db.query<Record<string, unknown>>(q.text, q.values)
      panels.push({ panel, data: { columns: res.fields.map((f) => f.name), rows: res.rows } })
    }
    return {
      title: sampleDashboard.title,
      tabName: tab.name,
      timeRangeLabel: `${from.toISOString().slice(0, 16)} – ${to.toISOString().slice(0, 16)} UTC`,
      generatedAtLabel: `${to.toISOString().slice(0, 16)} UTC`,
      panels,
    }
  } finally {
    await db.close()
  }
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
const revive = (_k: string, v: unknown) => (typeof v === 'string' && ISO.test(v) ? new Date(v) : v)

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[i] ?? Number.NaN
}

async function time(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < WARMUP; i++) await fn()
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const t = performance.now()
    await fn()
    out.push(performance.now() - t)
  }
  return out.sort((a, b) => a - b)
}

async function child(file: string, n: number): Promise<void> {
  const input = JSON.parse(readFileSync(file, 'utf8'), revive) as RenderInput
  const pdf = await time(n, () => renderPdf(input))
  const png = await time(n, () => renderPng(input))
  const round = (x: number) => Math.round(x * 10) / 10
  const result = {
    bench: 'render',
    iterations: n,
    panels: input.panels.length,
    pdf_median_ms: round(percentile(pdf, 50)),
    pdf_p95_ms: round(percentile(pdf, 95)),
    png_median_ms: round(percentile(png, 50)),
    png_p95_ms: round(percentile(png, 95)),
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  }
  console.log(JSON.stringify(result))
  const ok = (v: number, max: number) => (v < max ? 'PASS' : 'FAIL')
  console.log(
    `verdict: PDF median ${result.pdf_median_ms} ms < ${BUDGET.pdfMedianMs} ms ` +
      `${ok(result.pdf_median_ms, BUDGET.pdfMedianMs)}; PNG median ${result.png_median_ms} ms < ` +
      `${BUDGET.pngMedianMs} ms ${ok(result.png_median_ms, BUDGET.pngMedianMs)} (DESIGN §11)`,
  )
  if (result.pdf_median_ms >= BUDGET.pdfMedianMs || result.png_median_ms >= BUDGET.pngMedianMs) {
    process.exitCode = 1
  }
}

/** Whole runs through the real executor, per report type. */
async function executor(n: number): Promise<void> {
  const timings: { queryMs: number; renderMs: number }[] = []
  const log = pino(
    { level: 'info' },
    {
      write(line: string) {
        const o = JSON.parse(line)
        if (o.msg === 'dashboard rendered')
          timings.push({ queryMs: o.queryMs, renderMs: o.renderMs })
      },
    },
  )
  const database = await openPglite(undefined)
  await migrateDatabase(database)
  const sample = new SampleDatabase({ clock: systemClock, log })
  const datasources = new Datasources({
    database,
    secret: 'bench-secret-0123456789abcdef0123456789',
    sample,
    limits: { timeoutMs: 30_000, maxRows: 50_000 },
    log,
  })
  const renderer = new RenderPool({ threads: 1, timeoutMs: 60_000, log })
  const exec = new ReportExecutor({
    database,
    datasources,
    renderer,
    clock: systemClock,
    deliver: async () => ({ kind: 'sent', deliveries: [] }),
  })
  const dashboard = (await seedSampleDashboard(database, systemClock, log))!
  const results: Record<string, number> = {}
  const round = (x: number) => Math.round(x * 10) / 10
  try {
    for (const reportType of ['pdf', 'png'] as const) {
      const now = new Date()
      const reportId = newId()
      const dashboards = [
        {
          dashboard: dashboard,
          folder: 'default',
          tabs: ['default'],
          variables: [],
          timerange: { type: 'relative', period: '30d', from: 0, to: 0 },
          report_type: reportType,
          email_attachment_type: 'standard',
        },
      ]
      const [report] = await database.db
        .insert(reports)
        .values({
          id: reportId,
          org: 'default',
          folderId: 'default',
          name: `bench_${reportType}`,
          frequency: { type: 'days', interval: 1, cron: '', align_time: true },
          dashboards,
          destinations: [],
          timezone: 'UTC',
          createdAt: now,
          updatedAt: now,
        })
        .returning()
      const parameters: RunParameters = {
        timezone: 'UTC',
        ranges: [{ from: new Date(now.getTime() - 30 * DAY).toISOString(), to: now.toISOString() }],
      }
      const once = async () => {
        const [run] = await database.db
          .insert(reportRuns)
          .values({
            id: newId(),
            org: 'default',
            reportId,
            trigger: 'manual',
            state: 'running',
            createdAt: now,
            updatedAt: now,
          })
          .returning()
        const signal = new AbortController().signal
        const r = await exec.execute({ run: run!, report: report!, parameters, signal, log })
        if (r.state !== 'succeeded') throw new Error(JSON.stringify(r))
      }
      timings.length = 0
      const total = await time(n, once)
      const measured = timings.slice(WARMUP)
      const q = measured.map((t) => t.queryMs).sort((a, b) => a - b)
      const r = measured.map((t) => t.renderMs).sort((a, b) => a - b)
      results[`${reportType}_run_median_ms`] = round(percentile(total, 50))
      results[`${reportType}_run_p95_ms`] = round(percentile(total, 95))
      results[`${reportType}_query_median_ms`] = percentile(q, 50)
      results[`${reportType}_render_median_ms`] = percentile(r, 50)
    }
  } finally {
    await renderer.close()
    await datasources.close()
    await sample.close()
    await database.close()
  }
  console.log(
    JSON.stringify({
      bench: 'render-executor',
      iterations: n,
      ...results,
      peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    }),
  )
  const ok = (v: number, max: number) => (v < max ? 'PASS' : 'FAIL')
  const pdf = results.pdf_render_median_ms!
  const png = results.png_render_median_ms!
  console.log(
    `verdict (rendering inside the executor): PDF median ${pdf} ms < ${BUDGET.pdfMedianMs} ms ` +
      `${ok(pdf, BUDGET.pdfMedianMs)}; PNG median ${png} ms < ${BUDGET.pngMedianMs} ms ` +
      `${ok(png, BUDGET.pngMedianMs)} (DESIGN §11)`,
  )
  if (pdf >= BUDGET.pdfMedianMs || png >= BUDGET.pngMedianMs) process.exitCode = 1
}

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  if (args[0] === '--render') return child(args[1]!, Number(args[2]))
  if (args[0] === '--executor') return executor(Number(args[1] ?? 30))
  const n = Number(args[0] ?? 50)
  const dir = mkdtempSync(join(tmpdir(), 'herald-bench-'))
  try {
    const file = join(dir, 'input.json')
    writeFileSync(file, JSON.stringify(await prepare()))
    const self = fileURLToPath(import.meta.url)
    const run = spawnSync(
      process.execPath,
      [...process.execArgv, self, '--render', file, String(n)],
      {
        stdio: 'inherit',
      },
    )
    process.exitCode = run.status ?? 1
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
