import { DateTime } from 'luxon'
import { instantOfWallClock, wallClockOf } from '../schedule/wall-clock.ts'
import { assertZone } from '../schedule/zone.ts'
import { PhraseError } from './errors.ts'

/**
 * A small grammar of time phrases ("yesterday 18:30", "3 days ago", "start of last month",
 * ISO 8601, epoch µs), evaluated in an IANA zone. Calendar units move the wall clock of the zone
 * and map back with the schedules' DST rule (a time in a gap becomes the end of the gap, a
 * repeated time its first occurrence); minutes and hours are elapsed time. Weeks start on Monday.
 * "end of X" is the last millisecond of X.
 */

type Unit = 'minutes' | 'hours' | 'days' | 'weeks' | 'months' | 'years'
type Span = 'day' | 'week' | 'month' | 'year'

const ELAPSED_MS: Partial<Record<Unit, number>> = { minutes: 60_000, hours: 3_600_000 }

const UNIT_WORDS: Record<string, Unit> = {
  min: 'minutes',
  mins: 'minutes',
  minute: 'minutes',
  minutes: 'minutes',
  h: 'hours',
  hr: 'hours',
  hrs: 'hours',
  hour: 'hours',
  hours: 'hours',
  d: 'days',
  day: 'days',
  days: 'days',
  w: 'weeks',
  week: 'weeks',
  weeks: 'weeks',
  month: 'months',
  months: 'months',
  y: 'years',
  year: 'years',
  years: 'years',
}

const DAY_WORDS: Record<string, number> = { today: 0, yesterday: -1, tomorrow: 1 }

const SPANS: Record<string, [Span, number]> = {
  day: ['day', 0],
  today: ['day', 0],
  yesterday: ['day', -1],
  tomorrow: ['day', 1],
  week: ['week', 0],
  'this week': ['week', 0],
  'last week': ['week', -1],
  'next week': ['week', 1],
  month: ['month', 0],
  'this month': ['month', 0],
  'last month': ['month', -1],
  'next month': ['month', 1],
  year: ['year', 0],
  'this year': ['year', 0],
  'last year': ['year', -1],
  'next year': ['year', 1],
}

const INTEGER = /^-?\d+$/
const DAY_AT = /^(today|yesterday|tomorrow)(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$/i
const AGO = /^(\d+) ?([a-z]+) ago$/i
const IN = /^in (\d+) ?([a-z]+)$/i
const SPAN_EDGE = /^(beginning|start|end) of (?:the )?([a-z ]+)$/i
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/
const ISO_LOCAL = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?$/i
const ISO_OFFSET =
  /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)$/i

const MAX_MS = 8_640_000_000_000_000

/**
 * The instant (epoch ms) `phrase` names at `nowMs` in `zone`. Throws PhraseError, whose message
 * lists the accepted forms, for anything outside the grammar.
 */
export function resolvePhrase(phrase: string, nowMs: number, zone: string): number {
  assertZone(zone)
  const text = phrase.trim().replace(/\s+/g, ' ')
  const instant = evaluate(text, nowMs, zone)
  if (instant === null || !Number.isFinite(instant) || Math.abs(instant) > MAX_MS) {
    throw new PhraseError(phrase)
  }
  return instant
}

function evaluate(text: string, nowMs: number, zone: string): number | null {
  if (INTEGER.test(text)) return microsToMillis(text)
  if (text.toLowerCase() === 'now') return nowMs
  const dayAt = DAY_AT.exec(text)
  if (dayAt !== null) return dayAtTime(dayAt, nowMs, zone)
  const ago = AGO.exec(text)
  if (ago !== null) return shifted(nowMs, zone, -Number(ago[1]), ago[2] ?? '')
  const ahead = IN.exec(text)
  if (ahead !== null) return shifted(nowMs, zone, Number(ahead[1]), ahead[2] ?? '')
  const edge = SPAN_EDGE.exec(text)
  if (edge !== null) return spanEdge(edge[1] ?? '', edge[2] ?? '', nowMs, zone)
  return isoInstant(text, zone)
}

/** OpenObserve passes instants as integer microseconds; BigInt keeps them exact. */
function microsToMillis(text: string): number {
  const micros = BigInt(text)
  const millis = micros / 1000n - (micros % 1000n < 0n ? 1n : 0n)
  return Number(millis)
}

function dayAtTime(match: RegExpExecArray, nowMs: number, zone: string): number | null {
  const [, word = '', hour = '0', minute = '0', second = '0'] = match
  const h = Number(hour)
  const m = Number(minute)
  const s = Number(second)
  if (h > 23 || m > 59 || s > 59) return null
  const day = wallClockOf(nowMs, zone)
    .startOf('day')
    .plus({ days: DAY_WORDS[word.toLowerCase()] ?? 0 })
  return instantOfWallClock(day.set({ hour: h, minute: m, second: s }), zone)
}

function shifted(nowMs: number, zone: string, amount: number, unitWord: string): number | null {
  const unit = unitOf(unitWord)
  if (unit === null || !Number.isSafeInteger(amount)) return null
  const elapsed = ELAPSED_MS[unit]
  if (elapsed !== undefined) return nowMs + amount * elapsed
  return instantOfWallClock(wallClockOf(nowMs, zone).plus({ [unit]: amount }), zone)
}

/** Short units are case-sensitive where they clash: `m` is minutes and `M` months. */
function unitOf(word: string): Unit | null {
  if (word === 'M') return 'months'
  if (word === 'm') return 'minutes'
  return UNIT_WORDS[word.toLowerCase()] ?? null
}

function spanEdge(edge: string, spanWords: string, nowMs: number, zone: string): number | null {
  const span = SPANS[spanWords.toLowerCase()]
  if (span === undefined) return null
  const [unit, offset] = span
  const start = wallClockOf(nowMs, zone)
    .startOf(unit)
    .plus({ [unit]: offset })
  if (edge.toLowerCase() !== 'end') return instantOfWallClock(start, zone)
  const next = instantOfWallClock(start.plus({ [unit]: 1 }), zone)
  return next === null ? null : next - 1
}

function isoInstant(text: string, zone: string): number | null {
  const iso = text.replace(' ', 'T').toUpperCase()
  if (ISO_OFFSET.test(text)) return validMillis(DateTime.fromISO(iso, { setZone: true }))
  if (ISO_DATE.test(text) || ISO_LOCAL.test(text)) {
    const wall = DateTime.fromISO(iso, { zone: 'UTC' })
    return wall.isValid ? instantOfWallClock(wall, zone) : null
  }
  return null
}

function validMillis(dt: DateTime): number | null {
  return dt.isValid ? dt.toMillis() : null
}
