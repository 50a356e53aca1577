import { DateTime } from 'luxon'

/**
 * How Herald writes times for people, everywhere they read them (the PDF and PNG header, the
 * email, the run page): wall-clock time in the report's zone, the zone named.
 */
const LABEL = 'yyyy-MM-dd HH:mm'

/** `2026-11-23 15:30 (Asia/Kolkata)`. */
export function timeLabel(ms: number, zone: string): string {
  return `${DateTime.fromMillis(ms, { zone }).toFormat(LABEL)} (${zone})`
}

/** `2026-11-16 15:30 – 2026-11-23 15:30 (Asia/Kolkata)`: the range as the report's readers live it. */
export function rangeLabel(fromMs: number, toMs: number, zone: string): string {
  const f = DateTime.fromMillis(fromMs, { zone }).toFormat(LABEL)
  const t = DateTime.fromMillis(toMs, { zone }).toFormat(LABEL)
  return `${f} – ${t} (${zone})`
}
