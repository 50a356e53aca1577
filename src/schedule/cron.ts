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
    throw new CronSyntaxError(explain(error))
  }
  if (cache.size >= CACHE_LIMIT) cache.clear()
  cache.set(key, cron)
  return cron
}

const cache = new Map<string, Cron>()

const FIELD_NAMES: Record<string, string> = { day: 'day-of-month', dayOfWeek: 'day-of-week' }

/** Croner's message without its prefix; its out-of-range values are off by one for some fields. */
function explain(error: unknown): string {
  const detail = (error instanceof Error ? error.message : String(error))
    .replace(/^Cron(Pattern|Options)?:\s*/, '')
    .replace(/\.$/, '')
  const outOfRange = /^Invalid value for (\w+): \d+$/.exec(detail)
  if (outOfRange?.[1] === undefined) return detail
  return `${FIELD_NAMES[outOfRange[1]] ?? outOfRange[1]} value out of range`
}

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
        const untilSecond = until === day.end ? DAY_SECONDS : day.second + (until - fire) / 1000
        count += timesOfDay.between(day.second, Math.ceil(untilSecond))
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
  const following = (t: number, count: number): number[] => {
    const fires: number[] = []
    for (let fire = after(t); fire !== null && fires.length < count; fire = after(fire)) {
      fires.push(fire)
    }
    return fires
  }
  return { after, atOrBefore, countBetween, following }
}

/** Wider than a day either side, so equal offsets at both ends mean a day without DST change. */
const NEAR_MS = 26 * 3_600_000

interface CivilDay {
  /** The second of the day at which the fire happens, by the local clock. */
  second: number
  /** The first instant of the next local day. */
  end: number
  /** Whether every local time of the day happens exactly once (no DST change in it). */
  uniform: boolean
}

/**
 * The local day of a fire (a whole second). Days near a DST change count as not uniform: DST
 * changes are months apart, so equal offsets a day either side mean none happens in between.
 */
function civilDay(fire: number, zone: string): CivilDay {
  const local = DateTime.fromMillis(fire, { zone })
  const second = local.hour * 3600 + local.minute * 60 + local.second
  const offsetAt = (t: number) => DateTime.fromMillis(t, { zone }).offset
  if (offsetAt(fire - NEAR_MS) === local.offset && local.offset === offsetAt(fire + NEAR_MS)) {
    // The local clock runs with real time all day, so the day ends when its seconds run out.
    return { second, end: fire + (DAY_SECONDS - second) * 1000, uniform: true }
  }
  const midnight = wallClockOf(fire, zone).startOf('day').plus({ days: 1 })
  const end = instantOfWallClock(midnight, zone) ?? Number.POSITIVE_INFINITY
  return { second, end, uniform: false }
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
