import { DateTime } from 'luxon'
import { describe, expect, it } from 'vitest'
import type { Schedule } from '../../../src/schedule/index.ts'
import { nextFireAfter, nextFires } from '../../../src/schedule/index.ts'

function cron(expression: string, timezone = 'UTC', startMs = 0, timezoneOffset = 0): Schedule {
  return {
    frequency: { type: 'cron', interval: 0, cron: expression, align_time: true },
    startMs,
    timezone,
    timezoneOffset,
  }
}

const FROM = Date.parse('2026-01-01T00:00:00Z') // a Thursday
const local = (zone: string) => (ms: number) =>
  DateTime.fromMillis(ms, { zone }).toFormat("ccc yyyy-MM-dd'T'HH:mm:ss")
const fires = (s: Schedule, n = 3, zone = 'UTC') => nextFires(s, FROM, n).map(local(zone))

describe('cron field counts', () => {
  it('reads 5 fields as minute hour dom month dow', () => {
    expect(fires(cron('30 9 * * *'))).toEqual([
      'Thu 2026-01-01T09:30:00',
      'Fri 2026-01-02T09:30:00',
      'Sat 2026-01-03T09:30:00',
    ])
  })

  it('reads 6 fields with leading seconds (OpenObserve)', () => {
    expect(fires(cron('15 30 9 * * *'), 1)).toEqual(['Thu 2026-01-01T09:30:15'])
    expect(fires(cron('*/20 * * * * *'), 3)).toEqual([
      'Thu 2026-01-01T00:00:20',
      'Thu 2026-01-01T00:00:40',
      'Thu 2026-01-01T00:01:00',
    ])
  })

  it('reads a 7th field as the year (as the OpenObserve UI stores crons)', () => {
    expect(fires(cron('0 0 9 * * 2 *'), 2)).toEqual([
      'Tue 2026-01-06T09:00:00',
      'Tue 2026-01-13T09:00:00',
    ])
    expect(fires(cron('0 0 12 1 1 * 2028-2029'), 3)).toEqual([
      'Sat 2028-01-01T12:00:00',
      'Mon 2029-01-01T12:00:00',
    ])
  })

  it('ignores extra whitespace', () => {
    expect(fires(cron('  0   9 * *   *  '), 1)).toEqual(['Thu 2026-01-01T09:00:00'])
  })
})

describe('cron shorthands', () => {
  it.each([
    ['@hourly', ['Thu 2026-01-01T01:00:00', 'Thu 2026-01-01T02:00:00']],
    ['@daily', ['Fri 2026-01-02T00:00:00', 'Sat 2026-01-03T00:00:00']],
    ['@weekly', ['Sun 2026-01-04T00:00:00', 'Sun 2026-01-11T00:00:00']],
    ['@monthly', ['Sun 2026-02-01T00:00:00', 'Sun 2026-03-01T00:00:00']],
    ['@yearly', ['Fri 2027-01-01T00:00:00', 'Sat 2028-01-01T00:00:00']],
    ['@annually', ['Fri 2027-01-01T00:00:00', 'Sat 2028-01-01T00:00:00']],
    ['@DAILY', ['Fri 2026-01-02T00:00:00', 'Sat 2026-01-03T00:00:00']],
  ])('%s', (expression, expected) => {
    expect(fires(cron(expression), 2)).toEqual(expected)
  })
})

describe('cron day of week', () => {
  it('treats 0 and 7 as Sunday', () => {
    expect(fires(cron('0 9 * * 0'), 1)).toEqual(['Sun 2026-01-04T09:00:00'])
    expect(fires(cron('0 9 * * 7'), 1)).toEqual(['Sun 2026-01-04T09:00:00'])
  })

  it('treats 1 as Monday, and accepts names and ranges', () => {
    expect(fires(cron('0 9 * * 1'), 1)).toEqual(['Mon 2026-01-05T09:00:00'])
    expect(fires(cron('0 9 * * MON-FRI'), 3)).toEqual([
      'Thu 2026-01-01T09:00:00',
      'Fri 2026-01-02T09:00:00',
      'Mon 2026-01-05T09:00:00',
    ])
  })

  it('fires when either day-of-month or day-of-week matches (classic OR)', () => {
    // The 13th, or any Friday.
    expect(fires(cron('0 9 13 * 5'), 4)).toEqual([
      'Fri 2026-01-02T09:00:00',
      'Fri 2026-01-09T09:00:00',
      'Tue 2026-01-13T09:00:00',
      'Fri 2026-01-16T09:00:00',
    ])
  })

  it('accepts ? as "any" in the day fields', () => {
    expect(fires(cron('0 0 9 ? * 1'), 1)).toEqual(['Mon 2026-01-05T09:00:00'])
  })
})

describe('cron zones and anchor', () => {
  it('evaluates in the IANA zone, following DST', () => {
    const s = cron('0 9 * * *', 'America/New_York')
    const at = nextFires(s, Date.parse('2026-03-07T00:00:00Z'), 3)
    expect(at.map((ms) => new Date(ms).toISOString())).toEqual([
      '2026-03-07T14:00:00.000Z',
      '2026-03-08T13:00:00.000Z',
      '2026-03-09T13:00:00.000Z',
    ])
  })

  it('falls back to the fixed offset when there is no timezone', () => {
    const s = cron('0 9 * * *', '', 0, 330)
    expect(new Date(nextFireAfter(s, FROM) ?? 0).toISOString()).toBe('2026-01-01T03:30:00.000Z')
  })

  it('fires strictly after start when start is set', () => {
    const start = Date.parse('2026-02-01T09:00:00Z')
    const s = cron('0 9 * * *', 'UTC', start)
    expect(nextFireAfter(s, FROM)).toBe(start + 86_400_000)
    expect(nextFireAfter(s, start + 2 * 86_400_000)).toBe(start + 3 * 86_400_000)
  })

  it('is strictly after its argument, also exactly on a match', () => {
    const s = cron('0 9 * * *')
    const nine = Date.parse('2026-01-01T09:00:00Z')
    expect(nextFireAfter(s, nine - 1)).toBe(nine)
    expect(nextFireAfter(s, nine)).toBe(nine + 86_400_000)
  })

  it('has no fires for a date that never comes or an invalid expression', () => {
    expect(nextFireAfter(cron('0 0 30 2 *'), FROM)).toBeNull()
    expect(nextFireAfter(cron('0 0 9 * * * 2020'), FROM)).toBeNull()
    expect(nextFireAfter(cron('not a cron'), FROM)).toBeNull()
    expect(nextFires(cron('61 * * * *'), FROM, 3)).toEqual([])
  })
})
