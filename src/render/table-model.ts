import { isNumericColumn, isTemporalColumn, toEpochMs, toNumber } from './fields.ts'
import { formatCell, formatDate, formatValue, type ValueFormat, valueFormat } from './format.ts'
import { textWidth } from './text-metrics.ts'
import type { Panel, PanelData } from './types.ts'

/** A table already turned into display strings, shared by the SVG and PDF tables. */
export interface TableModel {
  headers: string[]
  rows: string[][]
  numeric: boolean[]
}

/**
 * Decimals that keep a column aligned: a numeric(10,2) arrives as "12.50" and keeps both digits;
 * floating-point values get at most two.
 */
function scaleOf(data: PanelData, column: string): number {
  let scale = 0
  for (const row of data.rows.slice(0, 500)) {
    const v = row[column]
    if (typeof v === 'string') scale = Math.max(scale, Math.min(6, v.split('.')[1]?.length ?? 0))
    else if (typeof v === 'number' && !Number.isInteger(v)) scale = Math.max(scale, 2)
  }
  return scale
}

/** Panel-wide `unit`/`decimals`, overridden per column by `options.columns[name]`. */
function columnFormat(panel: Panel, column: string): ValueFormat {
  const perColumn = panel.options.columns
  const own =
    perColumn && typeof perColumn === 'object'
      ? (perColumn as Record<string, unknown>)[column]
      : undefined
  const base = valueFormat(panel.options)
  return own && typeof own === 'object'
    ? { ...base, ...valueFormat(own as Record<string, unknown>) }
    : base
}

export function tableModel(panel: Panel, data: PanelData, timeZone?: string): TableModel {
  const numeric = data.columns.map((c) => isNumericColumn(data, c))
  const temporal = data.columns.map((c, i) => !numeric[i] && isTemporalColumn(data, c))
  const formats = data.columns.map((c, i) => {
    const fmt = columnFormat(panel, c)
    return numeric[i] && fmt.decimals === undefined ? { ...fmt, decimals: scaleOf(data, c) } : fmt
  })
  const rows = data.rows.map((row) =>
    data.columns.map((c, i) => {
      const v = row[c]
      if (temporal[i]) {
        const ms = toEpochMs(v)
        if (ms !== null) return formatDate(new Date(ms), timeZone)
      }
      const n = numeric[i] ? toNumber(v) : null
      return n === null ? formatCell(v, timeZone) : formatValue(n, formats[i] ?? {})
    }),
  )
  return { headers: [...data.columns], rows, numeric }
}

/**
 * Column widths that fill `available`: each column asks for its widest cell (from a sample of
 * rows). When they do not all fit, the widest columns are narrowed to a common cap, so short
 * columns (numbers, codes) stay readable and long text is what gets truncated.
 */
export function columnWidths(
  model: TableModel,
  available: number,
  size: number,
  padding: number,
): number[] {
  const sample = model.rows.slice(0, 200)
  const natural = model.headers.map((h, i) => {
    let w = textWidth(h, size, true)
    for (const row of sample) w = Math.max(w, textWidth(row[i] ?? '', size))
    return w + padding * 2
  })
  const total = natural.reduce((a, b) => a + b, 0)
  if (total <= available) return natural.map((w) => (w / total) * available)
  const ascending = [...natural].sort((a, b) => a - b)
  let budget = available
  let cap = available / natural.length
  for (const [i, w] of ascending.entries()) {
    const share = budget / (ascending.length - i)
    if (w > share) {
      cap = share
      break
    }
    budget -= w
  }
  return natural.map((w) => Math.min(w, cap))
}
