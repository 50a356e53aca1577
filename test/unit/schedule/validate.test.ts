import { describe, expect, it } from 'vitest'
import type { Frequency, Schedule } from '../../../src/schedule/index.ts'
import { validateSchedule } from '../../../src/schedule/index.ts'

const NOW = Date.parse('2026-05-01T12:00:00Z')

function schedule(frequency: Partial<Frequency>, rest: Partial<Schedule> = {}): Schedule {
  return {
    frequency: { type: 'days', interval: 1, cron: '', align_time: true, ...frequency },
    startMs: NOW - 86_400_000,
    timezone: 'Europe/Berlin',
    timezoneOffset: 0,
    ...rest,
  }
}

const fields = (s: Schedule) => validateSchedule(s, NOW).map((e) => e.name)
const message = (s: Schedule, name: string) =>
  validateSchedule(s, NOW).find((e) => e.name === name)?.description ?? ''

describe('validateSchedule', () => {
  it('accepts ordinary schedules of every type', () => {
    expect(validateSchedule(schedule({}), NOW)).toEqual([])
    expect(validateSchedule(schedule({ type: 'hours', interval: 6 }), NOW)).toEqual([])
    expect(validateSchedule(schedule({ type: 'weeks', interval: 2 }), NOW)).toEqual([])
    expect(validateSchedule(schedule({ type: 'months', interval: 3 }), NOW)).toEqual([])
    expect(validateSchedule(schedule({ type: 'once' }, { startMs: NOW + 1000 }), NOW)).toEqual([])
    for (const cron of ['0 9 * * 1', '0 0 9 * * 2', '0 0 9 * * 2 *', '@daily', '@annually']) {
      expect(validateSchedule(schedule({ type: 'cron', cron }), NOW)).toEqual([])
    }
  })

  it('accepts empty, UTC and Browser Time zones', () => {
    expect(fields(schedule({}, { timezone: '' }))).toEqual([])
    expect(fields(schedule({}, { timezone: 'UTC' }))).toEqual([])
    expect(fields(schedule({}, { timezone: 'Browser Time (Asia/Kolkata)' }))).toEqual([])
  })

  it('rejects an unknown timezone', () => {
    const s = schedule({}, { timezone: 'Mars/Olympus_Mons' })
    expect(fields(s)).toEqual(['timezone'])
    expect(message(s, 'timezone')).toContain('Unknown timezone "Mars/Olympus_Mons"')
  })

  it('rejects an offset beyond ±14 h or not in whole minutes', () => {
    expect(fields(schedule({}, { timezoneOffset: 841 }))).toEqual(['timezoneOffset'])
    expect(fields(schedule({}, { timezoneOffset: -841 }))).toEqual(['timezoneOffset'])
    expect(fields(schedule({}, { timezoneOffset: 5.5 }))).toEqual(['timezoneOffset'])
    expect(fields(schedule({}, { timezoneOffset: 840 }))).toEqual([])
    expect(fields(schedule({}, { timezoneOffset: -720 }))).toEqual([])
    expect(message(schedule({}, { timezoneOffset: 900 }), 'timezoneOffset')).toContain('-840')
  })

  it('rejects intervals that are not whole, positive and sane', () => {
    for (const interval of [0, -1, 1.5, Number.NaN]) {
      expect(fields(schedule({ type: 'hours', interval }))).toEqual(['frequency.interval'])
    }
    expect(fields(schedule({ type: 'months', interval: 12_001 }))).toEqual(['frequency.interval'])
    expect(fields(schedule({ type: 'days', interval: 365_250 }))).toEqual([])
    expect(message(schedule({ type: 'weeks', interval: 0 }), 'frequency.interval')).toBe(
      'Interval must be a whole number of weeks from 1 to 52178, got 0',
    )
  })

  it('ignores the interval of cron and once schedules', () => {
    expect(fields(schedule({ type: 'cron', interval: 0, cron: '@hourly' }))).toEqual([])
    expect(fields(schedule({ type: 'once', interval: -4 }, { startMs: NOW + 1 }))).toEqual([])
  })

  it('explains a cron expression that does not parse', () => {
    const cases: Array<[string, string]> = [
      ['', 'A cron schedule needs a cron expression'],
      ['0 9 * *', 'Invalid cron expression: expected 5 fields'],
      ['0 0 0 9 * * * *', 'got 8'],
      ['61 * * * *', 'Invalid cron expression:'],
      ['0 9 * * MONDAY', 'Invalid cron expression:'],
      ['@fortnightly', 'Invalid cron expression: unknown shorthand @fortnightly'],
    ]
    for (const [cron, expected] of cases) {
      const s = schedule({ type: 'cron', cron })
      expect(fields(s)).toEqual(['frequency.cron'])
      expect(message(s, 'frequency.cron')).toContain(expected)
    }
  })

  it('rejects a cron expression with no future fire', () => {
    for (const cron of ['0 0 30 2 *', '0 0 9 * * * 2020']) {
      const s = schedule({ type: 'cron', cron })
      expect(message(s, 'frequency.cron')).toContain('Cron expression has no future fire time')
    }
  })

  it('needs a start for a once report and a non-negative start for all', () => {
    expect(fields(schedule({ type: 'once' }, { startMs: 0 }))).toEqual(['start'])
    expect(message(schedule({ type: 'once' }, { startMs: 0 }), 'start')).toBe(
      'A one-time report needs a start time',
    )
    expect(fields(schedule({}, { startMs: -5 }))).toEqual(['start'])
    expect(fields(schedule({ type: 'cron', cron: '@daily' }, { startMs: 0 }))).toEqual([])
  })

  it('reports every problem at once', () => {
    const s = schedule(
      { type: 'cron', cron: 'nonsense' },
      { timezone: 'Nowhere/Land', timezoneOffset: 10_000 },
    )
    expect(fields(s)).toEqual(['timezone', 'timezoneOffset', 'frequency.cron'])
  })
})
