import { DateTime } from 'luxon'

const CURRENCY = new Set(['$', '€', '£', '¥', '₹'])

export interface ValueFormat {
  unit?: string
  decimals?: number
}

/** Reads `unit` / `decimals` from panel options, ignoring values of the wrong type. */
export function valueFormat(options: Record<string, unknown>): ValueFormat {
  const fmt: ValueFormat = {}
  if (typeof options.unit === 'string' && options.unit) fmt.unit = options.unit
  if (typeof options.decimals === 'number' && options.decimals >= 0 && options.decimals <= 10) {
    fmt.decimals = Math.floor(options.decimals)
  }
  return fmt
}

export function unitAffixes(unit: string | undefined): { prefix: string; suffix: string } {
  if (!unit) return { prefix: '', suffix: '' }
  if (CURRENCY.has(unit)) return { prefix: unit, suffix: '' }
  return { prefix: '', suffix: unit === '%' ? '%' : ` ${unit}` }
}

export function formatNumber(n: number, decimals?: number): string {
  return n.toLocaleString('en-US', {
    minimumFractionDigits: decimals ?? 0,
    maximumFractionDigits: decimals ?? 2,
  })
}

export function formatValue(n: number, fmt: ValueFormat): string {
  const { prefix, suffix } = unitAffixes(fmt.unit)
  const sign = n < 0 ? '-' : ''
  return `${sign}${prefix}${formatNumber(Math.abs(n), fmt.decimals)}${suffix}`
}

/** A table cell as a person reads it: dates in the report's zone, grouped numbers. */
export function formatCell(v: unknown, timeZone = 'UTC'): string {
  if (v === null || v === undefined) return ''
  if (v instanceof Date) return formatDate(v, timeZone)
  if (typeof v === 'number') return Number.isFinite(v) ? formatNumber(v) : String(v)
  if (typeof v === 'bigint') return v.toLocaleString('en-US')
  if (typeof v === 'string') return v
  if (typeof v === 'boolean') return v ? 'true' : 'false'
  return JSON.stringify(v)
}

export function formatDate(d: Date, timeZone = 'UTC'): string {
  const dt = DateTime.fromJSDate(d, { zone: timeZone })
  if (!dt.isValid) return d.toISOString()
  const midnight = dt.hour === 0 && dt.minute === 0 && dt.second === 0
  return dt.toFormat(midnight ? 'yyyy-LL-dd' : 'yyyy-LL-dd HH:mm')
}
