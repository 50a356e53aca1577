import { Cron, type CronOptions, CronPattern } from 'croner'
import { DateTime } from 'luxon'
import type { Grid } from './types.ts'
import { instantOfWallClock, wallClockOf } from './wall-clock.ts'
import { zoneSpec } from './zone.ts'

/**
 * Cron schedules, evaluated by croner in the schedule's zone. Croner gives classic semantics
 * when told to: day-of-month OR day-of-week, 0 and 7 both Sunday, 5/6/7 fields.
 */

const SHORTHANDS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@hourly']
const DAY_SECONDS = 86_400
/** Above this many fires a day, DST days are counted as ordinary days instead of walked. */
const MAX_WALKED_FIRES_PER_DAY = 1_440
const CACHE_LIMIT = 512

const BASE_OPTIONS = {
  domAndDow: false,
  mode: 'auto',
  // Lists and ranges of fixed times (`30 2,14 * * *`) then follow the same DST rule as a single
  // time: a gap fires at its end, a repeated time fires once. Wildcards and steps still fire by
  // elapsed time, which is what "every 15 minutes" means across a DST change.
  fixedTimeRule: 'no-wildcard',
} satisfies CronOptions

export class CronSyntaxError extends Error {
  override name = 'CronSyntaxError'
}

/** Whitespace-normalised pattern; throws CronSyntaxError for a wrong number of fields. */
export function normalizeCron(expression: string): string {
  const trimmed = expression.trim()
  if (trimmed === '') throw new CronSyntaxError('the expression is empty')
  if (trimmed.startsWith('@')) {
    const shorthand = trimmed.toLowerCase()
    if (!SHORTHANDS.includes(shorthand)) {
      throw new CronSyntaxError(`unknown shorthand ${trimmed} (use ${SHORTHANDS.join(', ')})`)
    }
    return shorthand
  }
  const fields = trimmed.split(/\s+/)
  if (fields.length < 5 || fields.length > 7) {
    throw new CronSyntaxError(
      `expected 5 fields (minute hour day-of-month month day-of-week), 6 (with leading seconds) ` +
        `or 7 (with a trailing year), got ${fields.length}`,
    )
  }
  return fields.join(' ')
}

/** Parses `expression` for `zoneName`; throws CronSyntaxError with croner's explanation. */
export function compileCron(expression: string, zoneName: string): Cron {
  const pattern = normalizeCron(expression)
  const key = `${pattern}\u0000${zoneName}`
  const cached = cache.get(key)
  if (cached !== undefined) return cached
  const spec = zoneSpec(zoneName)
  const zoneOption = 'iana' in spec ? { timezone: spec.iana } : { utcOffset: spec.offsetMinutes }
  let cron: Cron
  try {
    cron = new Cron(pattern, { ...BASE_OPTIONS, ...zoneOption })
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error)
    throw new CronSyntaxError(detail.replace(/^Cron(Pattern|Options)?:\s*/, ''))
  }
  if (cache.size >= CACHE_LIMIT) cache.clear()
  cache.set(key, cron)
  return cron
}

const cache = new Map<string, Cron>()

/**
 * The fires of `expression` in `zone`, strictly after `anchorMs` when it is positive. Slots are
 * whole seconds.
 */
export function cronGrid(expression: string, zone: string, anchorMs: number): Grid {
  const cron = compileCron(expression, zone)
  const floor = anchorMs > 0 ? anchorMs : Number.NEGATIVE_INFINITY
  const after = (t: number): number | null => {
    const next = cron.nextRun(new Date(Math.max(t, floor)))
    return next === null ? null : next.getTime()
  }
  const atOrBefore = (t: number): number | null => {
    // previousRuns is strictly before its reference except within the same second.
    const previous = cron.previousRuns(1, new Date(t + 1))[0]
    return previous === undefined || previous.getTime() <= floor ? null : previous.getTime()
  }
  let timesOfDay: TimesOfDay | undefined
  const countBetween = (a: number, b: number): number => {
    timesOfDay ??= TimesOfDay.of(cron.getPattern() ?? expression)
    let count = 0
    let fire = after(a)
    while (fire !== null && fire < b) {
      const day = civilDay(fire, zone)
      const until = Math.min(b, day.end)
      if (day.uniform || timesOfDay.perDay > MAX_WALKED_FIRES_PER_DAY) {
        // Without a DST change in the day, every time of day the pattern allows fires once.
        count += timesOfDay.between(secondOfDay(fire, zone), untilSecond(until, day.end, zone))
        fire = after(until - 1)
      } else {
        while (fire !== null && fire < until) {
          count++
          fire = after(fire)
        }
      }
    }
    return count
  }
  return { after, atOrBefore, countBetween }
}

/** Wider than a day either side, so equal offsets at both ends mean a day without DST change. */
const NEAR_MS = 26 * 3_600_000

/**
 * The local day containing `ms`: its end, and whether every time of day in it happens exactly
 * once. Days near a DST change are conservatively treated as not uniform (DST changes are months
 * apart, so equal offsets a day either side mean none happens in between).
 */
function civilDay(ms: number, zone: string): { end: number; uniform: boolean } {
  const offsetAt = (t: number) => DateTime.fromMillis(t, { zone }).offset
  if (offsetAt(ms - NEAR_MS) === offsetAt(ms + NEAR_MS)) {
    const end = DateTime.fromMillis(ms, { zone }).startOf('day').plus({ days: 1 }).toMillis()
    return { end, uniform: true }
  }
  const midnight = wallClockOf(ms, zone).startOf('day').plus({ days: 1 })
  return { end: instantOfWallClock(midnight, zone) ?? Number.POSITIVE_INFINITY, uniform: false }
}

function secondOfDay(ms: number, zone: string): number {
  const wall = wallClockOf(ms, zone)
  return wall.hour * 3600 + wall.minute * 60 + wall.second
}

/** The second of day before which fires lie before `until` (exclusive bound). */
function untilSecond(until: number, dayEnd: number, zone: string): number {
  if (until >= dayEnd) return DAY_SECONDS
  const partial = wallClockOf(until, zone).millisecond > 0 ? 1 : 0
  return secondOfDay(until, zone) + partial
}

/** The times of day a pattern allows, as the product of its hour, minute and second sets. */
class TimesOfDay {
  static of(pattern: string): TimesOfDay {
    const parsed = new CronPattern(pattern, undefined, BASE_OPTIONS)
    return new TimesOfDay(parsed.hour, parsed.minute, parsed.second)
  }

  readonly perDay: number

  private constructor(
    private readonly hours: number[],
    private readonly minutes: number[],
    private readonly seconds: number[],
  ) {
    this.perDay = countSet(hours, 24) * countSet(minutes, 60) * countSet(seconds, 60)
  }

  /** How many allowed times fall in [fromSecond, toSecond) of a day. */
  between(fromSecond: number, toSecond: number): number {
    return this.before(toSecond) - this.before(fromSecond)
  }

  private before(secondOfDay: number): number {
    const hour = Math.floor(secondOfDay / 3600)
    const minute = Math.floor((secondOfDay % 3600) / 60)
    const second = secondOfDay % 60
    const perHour = countSet(this.minutes, 60) * countSet(this.seconds, 60)
    let total = countSet(this.hours, hour) * perHour
    if (this.hours[hour]) {
      total += countSet(this.minutes, minute) * countSet(this.seconds, 60)
      if (this.minutes[minute]) total += countSet(this.seconds, second)
    }
    return total
  }
}

/** How many of the first `limit` flags are set. */
function countSet(flags: number[], limit: number): number {
  let total = 0
  for (let i = 0; i < limit && i < flags.length; i++) if (flags[i]) total++
  return total
}
