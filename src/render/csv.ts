import { stringify } from 'csv-stringify/sync'
import { DateTime } from 'luxon'
import type { PanelData } from './types.ts'

/**
 * A panel's rows as RFC 4180 CSV: header row, CRLF line ends, fields quoted when they hold a
 * comma, quote or line break. Dates are ISO 8601 in `zone` with its offset (a Berlin midnight reads
 * as one, not as the previous day's 23:00Z); nested values are JSON.
 */
export function renderCsv(data: PanelData, zone = 'UTC'): string {
  // Rows go in as arrays: csv-stringify reads object keys as paths, so a column named `a.b` would
  // be looked up as a nested property.
  const records = [data.columns, ...data.rows.map((row) => data.columns.map((c) => row[c]))]
  return stringify(records, {
    record_delimiter: 'windows',
    quote_record_delimiter: true,
    cast: {
      date: (d) => (Number.isNaN(d.getTime()) ? '' : DateTime.fromJSDate(d, { zone }).toISO()!),
      boolean: (b) => (b ? 'true' : 'false'),
      bigint: (n) => n.toString(),
      object: (o) => JSON.stringify(o, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)),
    },
  })
}

/**
 * A file name safe in any mail client and file system: ASCII letters, digits, `-`, `_` and spaces
 * are kept, every other character becomes `_`; a blank title becomes `report`.
 */
export function safeFilename(title: string, ext: string): string {
  const base = [...title]
    .map((ch) => (/^[A-Za-z0-9_ -]$/.test(ch) ? ch : '_'))
    .join('')
    .trim()
    .slice(0, 120)
    .trim()
  return `${base || 'report'}.${ext}`
}

export function csvFilename(title: string): string {
  return safeFilename(title, 'csv')
}
