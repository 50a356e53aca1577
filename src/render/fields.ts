import type { Panel, PanelData } from './types.ts'

/** Which columns a chart plots, after applying the defaults described in types.ts. */
export interface ChartFields {
  x: string
  y: string
  series?: string
  temporal: boolean
}

const ISO_DATE =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/

/** Numbers arrive as numbers, bigints or numeric strings depending on the driver and SQL type. */
export function toNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null
  if (typeof v === 'bigint') return Number(v)
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v)
    return Number.isFinite(n) ? n : null
  }
  return null
}

export function toEpochMs(v: unknown): number | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.getTime()
  if (typeof v === 'string' && ISO_DATE.test(v.trim())) {
    const ms = Date.parse(v.trim().replace(' ', 'T'))
    return Number.isNaN(ms) ? null : ms
  }
  return null
}

function everyPresent(rows: Record<string, unknown>[], col: string, test: (v: unknown) => boolean) {
  let seen = false
  for (const row of rows) {
    const v = row[col]
    if (v === null || v === undefined) continue
    if (!test(v)) return false
    seen = true
  }
  return seen
}

export const isNumericColumn = (data: PanelData, col: string) =>
  everyPresent(data.rows, col, (v) => toNumber(v) !== null)

export const isTemporalColumn = (data: PanelData, col: string) =>
  everyPresent(data.rows, col, (v) => toEpochMs(v) !== null)

function option(panel: Panel, key: string): string | undefined {
  const v = panel.options[key]
  return typeof v === 'string' && v ? v : undefined
}

/** Resolves the plotted columns, or returns a message saying why the data cannot be charted. */
export function chartFields(panel: Panel, data: PanelData): ChartFields | string {
  const cols = data.columns
  const x = option(panel, 'x') ?? cols[0]
  if (!x) return 'The query returned no columns'
  const y = option(panel, 'y') ?? cols.find((c) => c !== x && isNumericColumn(data, c))
  if (!y) return 'The query returned no numeric column to plot'
  for (const c of [x, y]) {
    if (!cols.includes(c)) return `Column "${c}" is not in the query result`
  }
  const series =
    option(panel, 'series') ?? cols.find((c) => c !== x && c !== y && !isNumericColumn(data, c))
  if (series && !cols.includes(series)) return `Column "${series}" is not in the query result`
  const temporal = isTemporalColumn(data, x)
  return series ? { x, y, series, temporal } : { x, y, temporal }
}
