import { DateTime } from 'luxon'
import { describe, expect, it } from 'vitest'
import type { FrequencyType, Schedule } from '../../../src/schedule/index.ts'
import { nextFires, wallClockOf } from '../../../src/schedule/index.ts'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const ZONES = [
  'America/New_York',
  'Europe/Berlin',
  'Asia/Kolkata',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
]
const YEARS = [2026, 2027]

interface Transition {
  /** First instant with the new offset. */
  at: number
  before: number
  after: number
}

/** Offset changes in a year, found with luxon alone (independent of the code under test). */
function transitions(zone: string, year: number): Transition[] {
  const offset = (ms: number) => DateTime.fromMillis(ms, { zone }).offset
  const found: Transition[] = []
  const step = 6 * HOUR
  for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += step) {
    if (offset(t) === offset(t + step)) continue
    let lo = t
    let hi = t + step
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2)
      if (offset(mid) === offset(t)) lo = mid
      else hi = mid
    }
    found.push({ at: hi, before: offset(lo), after: offset(hi) })
  }
  return found
}

/** A local time of day that falls in the middle of the gap or the repeated hour. */
function middleOf(zone: string, tr: Transition): DateTime {
  const shift = Math.abs(tr.after - tr.before) / 2
  return tr.after > tr.before
    ? wallClockOf(tr.at - 1, zone).plus({ milliseconds: 1, minutes: shift })
    : wallClockOf(tr.at, zone).plus({ minutes: shift })
}

function daily(time: DateTime, zone: string, startDay: DateTime, type: FrequencyType = 'days') {
  const start = DateTime.fromObject(
    { ...startDay.toObject(), hour: time.hour, minute: time.minute, second: 0, millisecond: 0 },
    { zone },
  )
  const s: Schedule = {
    frequency: { type, interval: 1, cron: '', align_time: true },
    startMs: start.toMillis(),
    timezone: zone,
    timezoneOffset: 0,
  }
  return s
}

function asCron(s: Schedule, time: DateTime): Schedule {
  return {
    ...s,
    startMs: s.startMs - 1,
    frequency: { ...s.frequency, type: 'cron', cron: `0 ${time.minute} ${time.hour} * * *` },
  }
}

const localDate = (zone: string) => (ms: number) => DateTime.fromMillis(ms, { zone }).toISODate()
const localTime = (zone: string) => (ms: number) =>
  DateTime.fromMillis(ms, { zone }).toFormat('HH:mm')

describe('transition finder (test helper)', () => {
  it.each(ZONES)('finds the 2026 and 2027 DST changes of %s', (zone) => {
    for (const year of YEARS) {
      expect(transitions(zone, year)).toHaveLength(zone === 'Asia/Kolkata' ? 0 : 2)
    }
  })
})

describe.each(ZONES)('daily reports in %s, 2026-2027', (zone) => {
  it('a 09:00 report fires at 09:00 local on every single day', () => {
    const s = daily(DateTime.fromObject({ hour: 9 }), zone, DateTime.fromISO('2025-12-31'))
    const fires = nextFires(s, s.startMs, 730)
    expect(new Set(fires.map(localTime(zone)))).toEqual(new Set(['09:00']))
    const days = fires.map(localDate(zone))
    expect(days[0]).toBe('2026-01-01')
    expect(days.at(-1)).toBe('2027-12-31')
    expect(new Set(days).size).toBe(730)
  })

  it('a 02:30 report fires exactly once on each day around every DST change', () => {
    const time = DateTime.fromObject({ hour: 2, minute: 30 })
    for (const year of YEARS) {
      for (const tr of transitions(zone, year)) {
        const s = daily(time, zone, wallClockOf(tr.at - 3 * DAY, zone))
        const fires = nextFires(s, s.startMs, 6)
        const days = fires.map(localDate(zone))
        expect(new Set(days).size).toBe(6)
        expect(nextFires(asCron(s, time), s.startMs, 6)).toEqual(fires)
      }
    }
  })

  it('a report inside the gap fires once, at the first instant after the gap', () => {
    for (const year of YEARS) {
      for (const tr of transitions(zone, year).filter((t) => t.after > t.before)) {
        const time = middleOf(zone, tr)
        const s = daily(time, zone, wallClockOf(tr.at - 3 * DAY, zone))
        const fires = nextFires(s, s.startMs, 6)
        expect(new Set(fires.map(localDate(zone))).size).toBe(6)
        expect(fires).toContain(tr.at)
        expect(fires.filter((ms) => Math.abs(ms - tr.at) < 12 * HOUR)).toEqual([tr.at])
        expect(nextFires(asCron(s, time), s.startMs, 6)).toEqual(fires)
      }
    }
  })

  it('a report inside the repeated hour fires once, at the first occurrence', () => {
    for (const year of YEARS) {
      for (const tr of transitions(zone, year).filter((t) => t.after < t.before)) {
        const time = middleOf(zone, tr)
        const s = daily(time, zone, wallClockOf(tr.at - 3 * DAY, zone))
        const fires = nextFires(s, s.startMs, 6)
        expect(new Set(fires.map(localDate(zone))).size).toBe(6)
        const onTheDay = fires.filter((ms) => Math.abs(ms - tr.at) < 12 * HOUR)
        expect(onTheDay).toHaveLength(1)
        expect(onTheDay[0]).toBeLessThan(tr.at)
        expect(localTime(zone)(onTheDay[0] ?? 0)).toBe(time.toFormat('HH:mm'))
        expect(nextFires(asCron(s, time), s.startMs, 6)).toEqual(fires)
      }
    }
  })
})

describe('known DST instants', () => {
  const at = (zone: string, hour: number, minute: number, day: string, type: FrequencyType) => {
    const s = daily(
      DateTime.fromObject({ hour, minute }),
      zone,
      DateTime.fromISO(day).minus({ days: 35 }),
      type,
    )
    return nextFires(s, Date.parse(`${day}T00:00:00Z`) - 2 * DAY, 40)
      .filter((ms) => localDate(zone)(ms) === day)
      .map((ms) => new Date(ms).toISOString())
  }

  it.each([
    ['America/New_York', 2, 30, '2026-03-08', '2026-03-08T07:00:00.000Z'],
    ['America/New_York', 1, 30, '2026-11-01', '2026-11-01T05:30:00.000Z'],
    ['America/New_York', 2, 30, '2027-03-14', '2027-03-14T07:00:00.000Z'],
    ['America/New_York', 1, 30, '2027-11-07', '2027-11-07T05:30:00.000Z'],
    ['Europe/Berlin', 2, 30, '2026-03-29', '2026-03-29T01:00:00.000Z'],
    ['Europe/Berlin', 2, 30, '2026-10-25', '2026-10-25T00:30:00.000Z'],
    ['Europe/Berlin', 2, 30, '2027-03-28', '2027-03-28T01:00:00.000Z'],
    ['Europe/Berlin', 2, 30, '2027-10-31', '2027-10-31T00:30:00.000Z'],
    ['Australia/Lord_Howe', 2, 10, '2026-10-04', '2026-10-03T15:30:00.000Z'],
    ['Australia/Lord_Howe', 2, 30, '2026-10-04', '2026-10-03T15:30:00.000Z'],
    ['Australia/Lord_Howe', 1, 45, '2026-04-05', '2026-04-04T14:45:00.000Z'],
    ['Pacific/Chatham', 3, 0, '2026-09-27', '2026-09-26T14:00:00.000Z'],
    ['Pacific/Chatham', 3, 0, '2026-04-05', '2026-04-04T13:15:00.000Z'],
  ])('%s %i:%i on %s fires once at %s', (zone, hour, minute, day, expected) => {
    expect(at(zone, hour, minute, day, 'days')).toEqual([expected])
    expect(at(zone, hour, minute, day, 'weeks').filter((x) => x === expected).length).toBeLessThan(
      2,
    )
  })

  it('monthly and weekly reports follow the same rule', () => {
    const monthly = daily(
      DateTime.fromObject({ hour: 2, minute: 30 }),
      'America/New_York',
      DateTime.fromISO('2026-01-08'),
      'months',
    )
    expect(nextFires(monthly, monthly.startMs, 3).map((ms) => new Date(ms).toISOString())).toEqual([
      '2026-02-08T07:30:00.000Z',
      '2026-03-08T07:00:00.000Z',
      '2026-04-08T06:30:00.000Z',
    ])
    const weekly = daily(
      DateTime.fromObject({ hour: 2, minute: 30 }),
      'Europe/Berlin',
      DateTime.fromISO('2026-03-15'),
      'weeks',
    )
    expect(nextFires(weekly, weekly.startMs, 3).map((ms) => new Date(ms).toISOString())).toEqual([
      '2026-03-22T01:30:00.000Z',
      '2026-03-29T01:00:00.000Z',
      '2026-04-05T00:30:00.000Z',
    ])
  })
})
