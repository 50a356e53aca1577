import { DateTime } from 'luxon'
import { describe, expect, it } from 'vitest'
import type { FrequencyType, Schedule } from '../../../src/schedule/index.ts'
import { nextFireAfter, nextFires } from '../../../src/schedule/index.ts'

function schedule(
  type: FrequencyType,
  interval: number,
  start: string,
  timezone = 'UTC',
): Schedule {
  return {
    frequency: { type, interval, cron: '', align_time: true },
    startMs: DateTime.fromISO(start, { zone: timezone }).toMillis(),
    timezone,
    timezoneOffset: 0,
  }
}

const local = (zone: string) => (ms: number) =>
  DateTime.fromMillis(ms, { zone }).toFormat("yyyy-MM-dd'T'HH:mm")

describe('once', () => {
  const s = schedule('once', 0, '2026-05-01T10:00')

  it('fires at start, and never after it', () => {
    expect(nextFireAfter(s, s.startMs - 1)).toBe(s.startMs)
    expect(nextFireAfter(s, s.startMs)).toBeNull()
    expect(nextFires(s, 0, 5)).toEqual([s.startMs])
  })
})

describe('hours', () => {
  it('fires at start first, then every interval hours of elapsed time', () => {
    const s = schedule('hours', 5, '2026-01-01T10:17')
    expect(nextFires(s, 0, 3).map(local('UTC'))).toEqual([
      '2026-01-01T10:17',
      '2026-01-01T15:17',
      '2026-01-01T20:17',
    ])
  })

  it('counts elapsed time across DST, so the wall clock moves', () => {
    const s = schedule('hours', 24, '2026-03-07T09:00', 'America/New_York')
    expect(nextFires(s, s.startMs, 2).map(local('America/New_York'))).toEqual([
      '2026-03-08T10:00',
      '2026-03-09T10:00',
    ])
  })

  it('is strictly after its argument, also exactly on a slot', () => {
    const s = schedule('hours', 2, '2026-01-01T00:00')
    expect(nextFireAfter(s, s.startMs)).toBe(s.startMs + 2 * 3_600_000)
    expect(nextFireAfter(s, s.startMs + 2 * 3_600_000 - 1)).toBe(s.startMs + 2 * 3_600_000)
  })
})

describe('days and weeks', () => {
  it('fires every interval days at the wall-clock time of start', () => {
    const s = schedule('days', 3, '2026-01-30T08:45', 'Asia/Kolkata')
    expect(nextFires(s, 0, 3).map(local('Asia/Kolkata'))).toEqual([
      '2026-01-30T08:45',
      '2026-02-02T08:45',
      '2026-02-05T08:45',
    ])
  })

  it('keeps 09:00 across DST (23 h and 25 h days)', () => {
    const s = schedule('days', 1, '2026-03-27T09:00', 'Europe/Berlin')
    const fires = nextFires(s, 0, 4)
    expect(fires.map(local('Europe/Berlin'))).toEqual([
      '2026-03-27T09:00',
      '2026-03-28T09:00',
      '2026-03-29T09:00',
      '2026-03-30T09:00',
    ])
    expect(fires.map((ms) => new Date(ms).toISOString().slice(11, 16))).toEqual([
      '08:00',
      '08:00',
      '07:00',
      '07:00',
    ])
  })

  it('fires every interval weeks on the weekday of start', () => {
    const s = schedule('weeks', 2, '2026-01-05T07:30', 'America/New_York') // a Monday
    const fires = nextFires(s, Date.parse('2026-03-01T00:00:00Z'), 3)
    expect(fires.map(local('America/New_York'))).toEqual([
      '2026-03-02T07:30',
      '2026-03-16T07:30',
      '2026-03-30T07:30',
    ])
    expect(
      fires.map((ms) => DateTime.fromMillis(ms, { zone: 'America/New_York' }).weekday),
    ).toEqual([1, 1, 1])
  })

  it('computes a start decades in the past directly', () => {
    const s = schedule('days', 1, '1970-01-01T09:00', 'Europe/Berlin')
    const began = performance.now()
    const next = nextFireAfter(s, Date.parse('2026-06-15T12:00:00Z'))
    expect(performance.now() - began).toBeLessThan(50)
    expect(next === null ? null : local('Europe/Berlin')(next)).toBe('2026-06-16T09:00')
  })
})

describe('months', () => {
  it('clamps day 31 to short months, computing each month from the anchor', () => {
    const s = schedule('months', 1, '2027-01-31T09:00', 'Europe/Berlin')
    expect(nextFires(s, 0, 5).map(local('Europe/Berlin'))).toEqual([
      '2027-01-31T09:00',
      '2027-02-28T09:00',
      '2027-03-31T09:00',
      '2027-04-30T09:00',
      '2027-05-31T09:00',
    ])
  })

  it('uses Feb 29 in leap years', () => {
    const s = schedule('months', 1, '2028-01-31T09:00')
    expect(nextFires(s, 0, 3).map(local('UTC'))).toEqual([
      '2028-01-31T09:00',
      '2028-02-29T09:00',
      '2028-03-31T09:00',
    ])
  })

  it('anchored on Feb 29 fires on the 29th when it exists, else the 28th', () => {
    const s = schedule('months', 12, '2028-02-29T06:00')
    expect(nextFires(s, 0, 5).map(local('UTC'))).toEqual([
      '2028-02-29T06:00',
      '2029-02-28T06:00',
      '2030-02-28T06:00',
      '2031-02-28T06:00',
      '2032-02-29T06:00',
    ])
  })

  it('steps interval months at a time', () => {
    const s = schedule('months', 3, '2026-11-30T18:00', 'Asia/Kolkata')
    expect(nextFires(s, 0, 4).map(local('Asia/Kolkata'))).toEqual([
      '2026-11-30T18:00',
      '2027-02-28T18:00',
      '2027-05-30T18:00',
      '2027-08-30T18:00',
    ])
  })

  it('finds the next month for a start far in the past', () => {
    const s = schedule('months', 1, '1970-01-31T00:00', 'America/New_York')
    const next = nextFireAfter(s, Date.parse('2026-02-15T00:00:00Z'))
    expect(next === null ? null : local('America/New_York')(next)).toBe('2026-02-28T00:00')
  })
})

describe('fixed-offset fallback', () => {
  it('runs on the fixed offset when the timezone is empty or unknown', () => {
    for (const timezone of ['', 'Not/AZone']) {
      const s: Schedule = {
        frequency: { type: 'days', interval: 1, cron: '', align_time: true },
        startMs: Date.parse('2026-03-06T03:30:00Z'),
        timezone,
        timezoneOffset: 330,
      }
      // No DST in a fixed offset: 09:00 +05:30 stays 03:30Z.
      expect(nextFires(s, s.startMs, 3).map((ms) => new Date(ms).toISOString())).toEqual([
        '2026-03-07T03:30:00.000Z',
        '2026-03-08T03:30:00.000Z',
        '2026-03-09T03:30:00.000Z',
      ])
    }
  })

  it('runs in UTC when there is neither a timezone nor an offset', () => {
    const s: Schedule = {
      frequency: { type: 'months', interval: 1, cron: '', align_time: true },
      startMs: Date.parse('2026-01-31T23:30:00Z'),
      timezone: '',
      timezoneOffset: 0,
    }
    expect(new Date(nextFireAfter(s, s.startMs) ?? 0).toISOString()).toBe(
      '2026-02-28T23:30:00.000Z',
    )
  })
})

describe('interval coercion', () => {
  it('treats interval 0 as 1, as OpenObserve does', () => {
    const s = schedule('hours', 0, '2026-01-01T00:00')
    expect(nextFireAfter(s, s.startMs)).toBe(s.startMs + 3_600_000)
  })
})

describe('nextFires', () => {
  it('returns nothing for count 0 and agrees with nextFireAfter', () => {
    const s = schedule('days', 2, '2026-01-01T09:00', 'Pacific/Chatham')
    expect(nextFires(s, 0, 0)).toEqual([])
    const fires = nextFires(s, s.startMs + 1, 3)
    expect(fires[0]).toBe(nextFireAfter(s, s.startMs + 1))
    expect(fires[1]).toBe(nextFireAfter(s, fires[0] ?? 0))
  })
})
