import { DateTime } from 'luxon'
import type { PanelData, RenderedPanel } from './types.ts'

/** A panel's result as seed 000 and the JSON outputs carry it: column names, rows of cells. */
export interface PanelTable {
  columns: string[]
  rows: unknown[][]
}

/**
 * One cell as JSON can hold it. Dates are ISO 8601 in `zone` with its offset (as in the CSV);
 * a bigint that fits a double stays a number, a larger one becomes its digits (JSON numbers
 * beyond 2^53 lose precision in most clients); bytes are base64.
 */
export function jsonCell(v: unknown, zone = 'UTC'): unknown {
  if (v === undefined) return null
  if (v instanceof Date) {
    return Number.isNaN(v.getTime()) ? null : DateTime.fromJSDate(v, { zone }).toISO()
  }
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return Buffer.from(v).toString('base64')
  if (Array.isArray(v)) return v.map((x) => jsonCell(x, zone))
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonCell(x, zone)]))
  }
  return v
}

/** Rows as arrays in column order: keys of a row object would reorder numeric column names. */
export function panelTable(data: PanelData, zone = 'UTC'): PanelTable {
  return {
    columns: [...data.columns],
    rows: data.rows.map((row) => data.columns.map((c) => jsonCell(row[c], zone))),
  }
}

/** What a json / json_bulk output describes: one report entry's data panels over its range. */
export interface JsonOutput {
  report: string
  timezone: string
  timespan: { from: string; to: string }
  panels: RenderedPanel[]
}

const dataPanels = (o: JsonOutput) => o.panels.filter((p) => p.panel.query && p.data)

/** `json`: one document, `{report, timezone, timespan, panels: [{title, columns, rows}]}`. */
export function jsonDocument(o: JsonOutput): string {
  const panels = dataPanels(o).map((p) => ({
    title: p.panel.title,
    ...panelTable(p.data!, o.timezone),
  }))
  return `${JSON.stringify({ report: o.report, timezone: o.timezone, timespan: o.timespan, panels }, null, 2)}\n`
}

/**
 * `json_bulk`: newline-delimited JSON, one line per row, `{"panel": title, "row": {column:
 * value}}`; the row is nested so a column named `panel` cannot hide the title.
 */
export function jsonBulkDocument(o: JsonOutput): string {
  const lines: string[] = []
  for (const p of dataPanels(o)) {
    const { columns, rows } = panelTable(p.data!, o.timezone)
    for (const cells of rows) {
      const row = Object.fromEntries(columns.map((c, i) => [c, cells[i]]))
      lines.push(JSON.stringify({ panel: p.panel.title, row }))
    }
  }
  return lines.map((l) => `${l}\n`).join('')
}
