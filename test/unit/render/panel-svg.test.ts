import { Resvg } from '@resvg/resvg-js'
import { describe, expect, it } from 'vitest'
import { panelSvg } from '../../../src/render/chart-svg.ts'
import { resvgOptions } from '../../../src/render/png.ts'
import { svgDoc, svgText } from '../../../src/render/svg-util.ts'
import type { Panel, PanelData, RenderedPanel } from '../../../src/render/types.ts'

const panel = (type: Panel['type'], options: Record<string, unknown> = {}): Panel => ({
  id: type,
  type,
  title: `My ${type}`,
  layout: { x: 0, y: 0, w: 12, h: 8 },
  options,
})

const days = (n: number, iso = false): PanelData => ({
  columns: ['day', 'value', 'kind'],
  rows: Array.from({ length: n * 2 }, (_, i) => {
    const d = new Date(Date.UTC(2025, 5, 1 + Math.floor(i / 2)))
    return { day: iso ? d.toISOString() : d, value: 10 + i, kind: i % 2 ? 'b' : 'a' }
  }),
})

const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1])

describe('panelSvg', () => {
  it.each(['line', 'area', 'bar'] as const)('draws a %s chart on a time axis', async (type) => {
    const svg = await panelSvg({ panel: panel(type), data: days(10) }, 600, 300)
    expect(svg).toMatch(/^<svg[^>]* width="600" height="300"/)
    expect(svg).toContain('font-family="DejaVu Sans"')
    expect(texts(svg)).toContain(`My ${type}`)
    expect(texts(svg).some((t) => /Jun/.test(t ?? ''))).toBe(true)
    // The third column became the series legend.
    expect(texts(svg)).toEqual(expect.arrayContaining(['a', 'b']))
  })

  it('reads ISO strings in the x column as time', async () => {
    const svg = await panelSvg({ panel: panel('line'), data: days(5, true) }, 600, 300)
    expect(texts(svg).some((t) => /Jun/.test(t ?? ''))).toBe(true)
  })

  it('labels time in the requested zone', async () => {
    const data = {
      columns: ['t', 'v'],
      rows: [0, 1, 2].map((h) => ({ t: new Date(Date.UTC(2025, 0, 1, h)), v: h })),
    }
    const svg = await panelSvg({ panel: panel('line'), data }, 600, 300, { timeZone: 'Asia/Tokyo' })
    expect(texts(svg)).toContain('10 AM')
  })

  it('draws a pie with one legend entry per category', async () => {
    const data = {
      columns: ['status', 'n'],
      rows: [
        { status: 'ok', n: 80 },
        { status: 'failed', n: 20 },
      ],
    }
    const svg = await panelSvg({ panel: panel('pie'), data }, 400, 250)
    expect(texts(svg)).toEqual(expect.arrayContaining(['ok', 'failed', '80%', '20%']))
  })

  it('draws a categorical bar chart with value labels', async () => {
    const data = {
      columns: ['country', 'revenue'],
      rows: [{ country: 'France', revenue: '12000.50' }],
    }
    const svg = await panelSvg({ panel: panel('bar', { unit: '$' }), data }, 400, 250)
    expect(texts(svg)).toEqual(expect.arrayContaining(['France', '$12k']))
  })

  it('draws a metric with its unit and decimals', async () => {
    const data = { columns: ['revenue'], rows: [{ revenue: '1234567.891' }] }
    const svg = await panelSvg(
      { panel: panel('metric', { unit: '$', decimals: 0 }), data },
      300,
      120,
    )
    expect(texts(svg)).toContain('$1,234,568')
  })

  it('draws as many table rows as fit and counts the rest', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => ({ name: `item ${i}`, qty: i }))
    const svg = await panelSvg(
      { panel: panel('table'), data: { columns: ['name', 'qty'], rows } },
      400,
      200,
    )
    const shown = texts(svg).filter((t) => t?.startsWith('item ')).length
    expect(shown).toBeGreaterThan(3)
    expect(texts(svg)).toContain(`+${40 - shown} more rows`)
  })

  it('draws markdown-ish text with headings and bullets', async () => {
    const text = '# Heading\nSome **bold** words.\n- first\n- second'
    const svg = await panelSvg({ panel: panel('text', { text }) }, 400, 200)
    expect(texts(svg)).toEqual(
      expect.arrayContaining(['Heading', 'Some bold words.', 'first', '•']),
    )
  })

  it('draws the error of a failed panel instead of its chart', async () => {
    const rp: RenderedPanel = { panel: panel('line'), error: 'relation "x" does not exist' }
    const svg = await panelSvg(rp, 400, 200)
    expect(texts(svg)).toContain('relation &quot;x&quot; does not exist')
  })

  it('says when there is no data or nothing to plot', async () => {
    const empty = await panelSvg(
      { panel: panel('bar'), data: { columns: ['a'], rows: [] } },
      300,
      150,
    )
    expect(texts(empty)).toContain('No data')
    const noNumbers = { columns: ['a', 'b'], rows: [{ a: 'x', b: 'y' }] }
    const svg = await panelSvg({ panel: panel('bar'), data: noNumbers }, 300, 150)
    expect(texts(svg).join(' ')).toMatch(/no numeric column/)
  })

  it('escapes markup in titles and data', async () => {
    const rp = {
      panel: { ...panel('table'), title: '<b>&' },
      data: { columns: ['c'], rows: [{ c: '<script>' }] },
    }
    const svg = await panelSvg(rp, 300, 150)
    expect(svg).not.toContain('<script>')
    expect(svg).toContain('&lt;b&gt;&amp;')
  })
})

describe('resvg with the bundled fonts', () => {
  it('draws text although the machine has no system fonts', () => {
    const svg = svgDoc(200, 40, svgText(4, 30, 'Herald', { size: 24, fill: '#000' }))
    const pixels = new Resvg(svg, resvgOptions).render().pixels
    let inked = 0
    for (let i = 3; i < pixels.length; i += 4) if ((pixels[i] ?? 0) > 0) inked++
    expect(inked).toBeGreaterThan(100)
  })
})
