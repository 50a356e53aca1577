import { instantOfWallClock, wallClockOf } from '../schedule/wall-clock.ts'
import { assertZone } from '../schedule/zone.ts'
import { PeriodError } from './errors.ts'

export type PeriodUnit = 'm' | 'h' | 'd' | 'w' | 'M' | 'y'

export interface Period {
  amount: number
  unit: PeriodUnit
}

export interface TimeRange {
  type: 'relative' | 'absolute'
  period: string
  /** Epoch microseconds, OpenObserve's unit. */
  from: number
  /** Epoch microseconds, OpenObserve's unit. */
  to: number
}

const PERIOD = /^(\d+)([mhdwMy])$/

/** Lengths of the units OpenObserve's renderer treats as fixed durations. */
const FIXED_MS: Partial<Record<PeriodUnit, number>> = {
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
}

/** `<n><unit>`: n a positive integer, unit m (minutes) h d w M (months) y. Nothing else. */
export function parsePeriod(period: string): Period | null {
  const match = PERIOD.exec(period)
  if (match === null) return null
  const amount = Number(match[1])
  if (!Number.isSafeInteger(amount) || amount < 1) return null
  return { amount, unit: match[2] as PeriodUnit }
}

/**
 * The instants a dashboard's time range covers for a report run ending at `endMs`.
 * Relative minutes, hours, days and weeks are fixed durations, as in OpenObserve (so "1d" on a
 * DST day is 24 h, not a calendar day); months and years are calendar arithmetic on the wall
 * clock of `zone`, clamped to the month's end (a "1M" ending Mar 31 starts Feb 28/29).
 * Absolute ranges are microseconds, floored to milliseconds.
 */
export function resolveRange(
  tr: TimeRange,
  endMs: number,
  zone: string,
): { fromMs: number; toMs: number } {
  if (tr.type === 'absolute') {
    return { fromMs: Math.floor(tr.from / 1000), toMs: Math.floor(tr.to / 1000) }
  }
  const period = parsePeriod(tr.period)
  if (period === null) {
    throw new PeriodError(`Invalid period "${tr.period}": use <number><unit>, unit m h d w M y`)
  }
  return { fromMs: periodStart(period, endMs, zone), toMs: endMs }
}

function periodStart({ amount, unit }: Period, endMs: number, zone: string): number {
  const fixed = FIXED_MS[unit]
  if (fixed !== undefined) return endMs - amount * fixed
  assertZone(zone)
  const wall = wallClockOf(endMs, zone).minus(unit === 'M' ? { months: amount } : { years: amount })
  const start = instantOfWallClock(wall, zone)
  if (start === null)
    throw new PeriodError(`Period "${amount}${unit}" reaches outside datable time`)
  return start
}
