/**
 * Renders the sample dashboard to PDF and PNG repeatedly and reports median / p95 times against
 * DESIGN §11 (PDF median < 250 ms, PNG median < 400 ms).
 *
 * The parent process seeds an in-memory PGlite and runs the panel queries once; a child process
 * does the rendering, so `peak_rss_mb` is the renderer's and not the database's (~350 MB).
 *
 *   npx tsx bench/render.ts [iterations]
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import { sampleDashboard } from '../src/datasources/sample-dashboard.ts'
import { sampleSchemaSql, seedSample } from '../src/datasources/sample-data.ts'
import { bindQuery } from '../src/render/bind-query.ts'
import { renderPdf } from '../src/render/pdf.ts'
import { renderPng } from '../src/render/png.ts'
import type { RenderedPanel, RenderInput } from '../src/render/types.ts'

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

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  if (args[0] === '--render') return child(args[1]!, Number(args[2]))
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
