// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${name} is SQL macro syntax here
import type { PGlite } from '@electric-sql/pglite'
import { parse } from 'csv-parse/sync'
import { PDFParse } from 'pdf-parse'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sampleDashboard } from '../../../src/datasources/sample-dashboard.ts'
import { bindQuery } from '../../../src/render/bind-query.ts'
import { renderCsv } from '../../../src/render/csv.ts'
import { renderPdf } from '../../../src/render/pdf.ts'
import { renderPng } from '../../../src/render/png.ts'
import type { RenderInput } from '../../../src/render/types.ts'
import {
  allCountries,
  FROM,
  openSampleDb,
  runPanel,
  sampleInput,
  TIME_RANGE_LABEL,
  TO,
} from './sample-fixture.ts'

// One seeded database for the whole file: starting PGlite is the slow part.
let db: PGlite
let input: RenderInput

beforeAll(async () => {
  db = await openSampleDb()
  input = await sampleInput(db)
})

afterAll(async () => {
  await db?.close()
})

const squash = (s: string) => s.replace(/\s+/g, ' ')

async function pdfText(pdf: Buffer): Promise<{ text: string; pages: string[] }> {
  const parser = new PDFParse({ data: new Uint8Array(pdf) })
  try {
    const result = await parser.getText()
    return { text: squash(result.text), pages: result.pages.map((p) => squash(p.text)) }
  } finally {
    await parser.destroy()
  }
}

function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR')
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) }
}

describe('sample data', () => {
  it('seeds thousands of rows across several countries', async () => {
    const counts = await db.query<{
      orders: number
      signups: number
      latency: number
      countries: number
    }>(
      `SELECT (SELECT count(*)::int FROM orders) AS orders,
              (SELECT count(*)::int FROM signups) AS signups,
              (SELECT count(*)::int FROM latency) AS latency,
              (SELECT count(DISTINCT country)::int FROM orders) AS countries`,
    )
    const row = counts.rows[0]!
    expect(row.orders).toBeGreaterThan(2000)
    expect(row.signups).toBeGreaterThan(1000)
    expect(row.latency).toBeGreaterThan(5000)
    expect(row.countries).toBeGreaterThanOrEqual(5)
  })

  it('answers every panel query of the sample dashboard', () => {
    for (const rp of input.panels) {
      expect(rp.error, rp.panel.id).toBeUndefined()
      if (rp.panel.query) expect(rp.data?.rows.length, rp.panel.id).toBeGreaterThan(0)
    }
  })

  it('keeps a hostile variable value bound, not executed', async () => {
    const q = bindQuery("SELECT count(*)::int AS n FROM orders WHERE country = '${country}'", {
      from: FROM,
      to: TO,
      intervalSeconds: 60,
      variables: { country: "'; DROP TABLE orders; --" },
    })
    const res = await db.query<{ n: number }>(q.text, q.values)
    expect(res.rows[0]?.n).toBe(0)
    const still = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM orders')
    expect(still.rows[0]?.n).toBeGreaterThan(0)
  })

  it('filters on a multi-value variable bound as an array', async () => {
    const q = bindQuery(
      'SELECT DISTINCT country FROM orders WHERE country = ANY(${c}) ORDER BY 1',
      {
        from: FROM,
        to: TO,
        intervalSeconds: 60,
        variables: { c: ['France', 'Japan'] },
      },
    )
    const res = await db.query<{ country: string }>(q.text, q.values)
    expect(res.rows.map((r) => r.country)).toEqual(['France', 'Japan'])
  })
})

describe('PDF of the sample dashboard', () => {
  it('contains the title, time range and every panel title as text', async () => {
    const { text, pages } = await pdfText(await renderPdf(input))
    expect(text).toContain(sampleDashboard.title)
    expect(text).toContain('Overview')
    expect(text).toContain(TIME_RANGE_LABEL)
    expect(text).toContain('Generated 2025-06-15 12:00 UTC')
    for (const panel of sampleDashboard.tabs[0]!.panels) expect(text).toContain(panel.title)
    expect(pages.at(-1)).toContain(`Page ${pages.length} of ${pages.length}`)
  })

  it('draws table cells as text and chart labels as vectors with text', async () => {
    const { text } = await pdfText(await renderPdf(input))
    expect(text).toContain('Consulting day')
    expect(text).toContain('United States')
  })

  it('shows the error of a panel whose query failed', async () => {
    const broken = await runPanel(db, {
      id: 'broken',
      type: 'line',
      title: 'Broken panel',
      query: { datasource: 'sample', sql: 'SELECT * FROM missing_table WHERE ts > $__from' },
      layout: { x: 0, y: 20, w: 12, h: 6 },
      options: {},
    })
    expect(broken.error).toMatch(/missing_table/)
    const { text } = await pdfText(await renderPdf({ ...input, panels: [...input.panels, broken] }))
    expect(text).toContain('Broken panel')
    expect(text).toContain(broken.error!)
  })

  it('continues a long table on later pages with its header repeated', async () => {
    const rows = Array.from({ length: 150 }, (_, i) => ({ id: i + 1, name: `Row ${i + 1}` }))
    const { pages } = await pdfText(
      await renderPdf({
        ...input,
        panels: [
          {
            panel: {
              id: 't',
              type: 'table',
              title: 'Long',
              layout: { x: 0, y: 0, w: 12, h: 8 },
              options: {},
            },
            data: { columns: ['id', 'name'], rows },
          },
        ],
      }),
    )
    expect(pages.length).toBeGreaterThan(2)
    for (const page of pages.slice(1)) {
      expect(page).toContain('Long (continued)')
      expect(page).toMatch(/id name/)
    }
    const all = pages.join(' ')
    expect(all).toContain('Row 1 ')
    expect(all).toContain('Row 150')
  })

  it('uses the requested page size', async () => {
    const pdf = await renderPdf({ ...input, width: 1200, height: 900 })
    const box = /\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/.exec(pdf.toString('latin1'))
    expect(Number(box?.[1])).toBeCloseTo(900, 0)
    expect(Number(box?.[2])).toBeCloseTo(675, 0)
  })
})

describe('PNG of the sample dashboard', () => {
  it('has exactly the requested dimensions', async () => {
    expect(pngSize(await renderPng({ ...input, width: 1024, height: 768 }))).toEqual({
      width: 1024,
      height: 768,
    })
  })

  it('defaults to 1370 px wide and as tall as the dashboard', async () => {
    const size = pngSize(await renderPng(input))
    expect(size.width).toBe(1370)
    expect(size.height).toBeGreaterThan(500)
    expect(size.height).toBeLessThan(1000)
  })
})

describe('CSV of a sample panel', () => {
  it('parses back to the rows the query returned', async () => {
    const rp = await runPanel(
      db,
      sampleDashboard.tabs[0]!.panels.find((p) => p.id === 'signups-by-plan')!,
    )
    const data = rp.data!
    const records = parse(renderCsv(data), { columns: true }) as Record<string, string>[]
    expect(records).toHaveLength(data.rows.length)
    const expected = data.rows.map((row) =>
      Object.fromEntries(
        data.columns.map((c) => {
          const v = row[c]
          return [c, v instanceof Date ? v.toISOString() : String(v)]
        }),
      ),
    )
    expect(records).toEqual(expected)
    expect(allCountries().length).toBeGreaterThan(1)
  })
})
