import { DateTime } from 'luxon'
import { type ChartFields, toEpochMs, toNumber } from './fields.ts'
import type { ValueFormat } from './format.ts'
import type { PanelData } from './types.ts'

export type ChartType = 'line' | 'area' | 'bar' | 'pie'

export interface ChartRequest {
  type: ChartType
  data: PanelData
  fields: ChartFields
  format: ValueFormat
  width: number
  height: number
  timeZone?: string
}

export interface Datum {
  x: string | number
  y: number | null
  s?: string
  [k: string]: unknown
}

/**
 * Vega only formats time in UTC or the process zone, so instants are moved by the report zone's
 * offset and then drawn on a UTC scale: the labels read as wall-clock time in that zone.
 */
function shiftToZone(ms: number, timeZone: string | undefined): number {
  if (!timeZone || timeZone === 'UTC') return ms
  const dt = DateTime.fromMillis(ms, { zone: timeZone })
  return dt.isValid ? ms + dt.offset * 60_000 : ms
}

/** Rows as `{ x, y, s }`: numbers parsed, instants as (zone-shifted) epoch ms. */
export function toChartData(req: ChartRequest): Datum[] {
  const { x, y, series, temporal } = req.fields
  const out: Datum[] = []
  for (const row of req.data.rows) {
    const raw = row[x]
    let xv: string | number
    if (temporal) {
      const ms = toEpochMs(raw)
      if (ms === null) continue
      xv = shiftToZone(ms, req.timeZone)
    } else xv = raw === null || raw === undefined ? '(none)' : String(raw)
    const d: Datum = { x: xv, y: toNumber(row[y]) }
    if (series)
      d.s = row[series] === null || row[series] === undefined ? '(none)' : String(row[series])
    out.push(d)
  }
  return out
}

/** Keys ordered by their total value, largest first, so colours and legends follow importance. */
export function rankBy(data: Datum[], key: (d: Datum) => string | undefined): string[] {
  const totals = new Map<string, number>()
  for (const d of data) {
    const k = key(d)
    if (k === undefined) continue
    totals.set(k, (totals.get(k) ?? 0) + (d.y ?? 0))
  }
  return [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k)
}

/**
 * A series missing at some x would make its stacked band cut through the others. vega-lite's own
 * `impute` puts the filled rows at the top of the stack (they lack its sort key), so fill here.
 */
export function fillGaps(data: Datum[]): Datum[] {
  const xs = new Set(data.map((d) => d.x))
  const present = new Set(data.map((d) => `${d.s}\u0000${d.x}`))
  const out = [...data]
  for (const s of new Set(data.map((d) => d.s))) {
    for (const x of xs) if (!present.has(`${s}\u0000${x}`)) out.push({ x, y: 0, s })
  }
  return out.sort((a, b) => (a.x < b.x ? -1 : a.x > b.x ? 1 : 0))
}
