import type { Panel, RenderInput } from './types.ts'

/**
 * A small dashboard with one panel of every kind, drawn once per render thread when it starts.
 * Loading vega, pdfkit and resvg is only part of a cold render: the first chart compiles vega's
 * dataflow, the first PDF embeds and subsets its fonts, the first PNG builds resvg's font
 * database — seconds on a busy machine, which the first preview after start would otherwise pay.
 */
export function warmInput(): RenderInput {
  const days = Array.from({ length: 7 }, (_, i) => ({
    day: `2026-01-0${i + 1}`,
    region: i % 2 ? 'North' : 'South',
    revenue: 100 + i * 10,
  }))
  const panel = (id: string, type: Panel['type'], x: number, y: number): Panel => ({
    id,
    type,
    title: `Warm-up ${type}`,
    layout: { x, y, w: 8, h: 4 },
    options: type === 'text' ? { text: '# Warm-up\n- one **line**' } : {},
  })
  const data = { columns: ['day', 'region', 'revenue'], rows: days }
  const kinds: Panel['type'][] = ['line', 'area', 'bar', 'pie', 'table', 'metric', 'text']
  return {
    title: 'Warm-up',
    timeRangeLabel: '2026-01-01 00:00 – 2026-01-08 00:00 (UTC)',
    generatedAtLabel: '2026-01-08 00:00 (UTC)',
    tabName: 'Warm-up',
    timeZone: 'UTC',
    panels: kinds.map((type, i) => ({
      panel: panel(`w${i}`, type, (i % 3) * 8, Math.floor(i / 3) * 4),
      ...(type === 'text' ? {} : { data }),
    })),
  }
}
