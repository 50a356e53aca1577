import { describe, expect, it } from 'vitest'
import { PhraseError, resolvePhrase } from '../../../src/timerange/index.ts'

// Wednesday; 21:15:30.250 in Kolkata, 11:45:30.250 (EDT) in New York.
const NOW = Date.parse('2026-03-18T15:45:30.250Z')
const KOLKATA = 'Asia/Kolkata'
const NEW_YORK = 'America/New_York'

const at = (phrase: string, zone = KOLKATA, now = NOW) =>
  new Date(resolvePhrase(phrase, now, zone)).toISOString()

describe('resolvePhrase: now and days', () => {
  it('now is the reference instant', () => {
    expect(resolvePhrase('now', NOW, KOLKATA)).toBe(NOW)
    expect(resolvePhrase('  NOW ', NOW, KOLKATA)).toBe(NOW)
  })

  it('today, yesterday and tomorrow are local midnights', () => {
    expect(at('today')).toBe('2026-03-17T18:30:00.000Z')
    expect(at('yesterday')).toBe('2026-03-16T18:30:00.000Z')
    expect(at('tomorrow', NEW_YORK)).toBe('2026-03-19T04:00:00.000Z')
  })

  it('takes a time of day after the day word', () => {
    expect(at('yesterday 18:30')).toBe('2026-03-17T13:00:00.000Z')
    expect(at('today 00:00', NEW_YORK)).toBe('2026-03-18T04:00:00.000Z')
    expect(at('Tomorrow   7:05')).toBe('2026-03-19T01:35:00.000Z')
    expect(at('today 23:59:59')).toBe('2026-03-18T18:29:59.000Z')
  })

  it('follows DST on the day it changes', () => {
    const sunday = Date.parse('2026-03-08T18:00:00Z')
    expect(at('today 00:00', NEW_YORK, sunday)).toBe('2026-03-08T05:00:00.000Z')
    expect(at('today 12:00', NEW_YORK, sunday)).toBe('2026-03-08T16:00:00.000Z')
    // 02:30 does not exist that day: the end of the gap.
    expect(at('today 02:30', NEW_YORK, sunday)).toBe('2026-03-08T07:00:00.000Z')
    // Chile skips midnight itself: the day starts at 01:00.
    const chile = Date.parse('2026-09-06T15:00:00Z')
    expect(at('today', 'America/Santiago', chile)).toBe('2026-09-06T04:00:00.000Z')
    expect(at('start of day', 'America/Santiago', chile)).toBe('2026-09-06T04:00:00.000Z')
  })

  it('gives different instants for the same phrase in different zones', () => {
    expect(at('today 00:00', KOLKATA)).not.toBe(at('today 00:00', NEW_YORK))
    expect(
      resolvePhrase('today 00:00', NOW, NEW_YORK) - resolvePhrase('today 00:00', NOW, KOLKATA),
    ).toBe(9.5 * 3_600_000)
    expect(at('2026-03-01T09:00:00Z', KOLKATA)).toBe(at('2026-03-01T09:00:00Z', NEW_YORK))
  })
})

describe('resolvePhrase: ago and in', () => {
  it('counts minutes and hours as elapsed time', () => {
    expect(resolvePhrase('2 hours ago', NOW, KOLKATA)).toBe(NOW - 2 * 3_600_000)
    expect(resolvePhrase('90 minutes ago', NOW, KOLKATA)).toBe(NOW - 90 * 60_000)
    expect(resolvePhrase('in 5 min', NOW, KOLKATA)).toBe(NOW + 5 * 60_000)
    expect(resolvePhrase('3m ago', NOW, KOLKATA)).toBe(NOW - 3 * 60_000)
    expect(resolvePhrase('1h ago', NOW, KOLKATA)).toBe(NOW - 3_600_000)
  })

  it('moves days, weeks, months and years on the local calendar', () => {
    expect(at('3d ago', NEW_YORK)).toBe('2026-03-15T15:45:30.250Z')
    // Across the DST change the local time stays 11:45:30.
    expect(at('10 days ago', NEW_YORK)).toBe('2026-03-08T15:45:30.250Z')
    expect(at('11 days ago', NEW_YORK)).toBe('2026-03-07T16:45:30.250Z')
    expect(at('in 2 weeks')).toBe('2026-04-01T15:45:30.250Z')
    expect(at('1 week ago')).toBe('2026-03-11T15:45:30.250Z')
    expect(at('1 Year Ago')).toBe('2025-03-18T15:45:30.250Z')
    expect(at('in 1y')).toBe('2027-03-18T15:45:30.250Z')
  })

  it('reads M as months and m as minutes', () => {
    expect(at('3M ago')).toBe('2025-12-18T15:45:30.250Z')
    expect(at('in 1 month', NEW_YORK, Date.parse('2026-01-31T17:00:00Z'))).toBe(
      '2026-02-28T17:00:00.000Z',
    )
    expect(resolvePhrase('3 m ago', NOW, KOLKATA)).toBe(NOW - 180_000)
  })
})

describe('resolvePhrase: start and end of periods', () => {
  it('days', () => {
    expect(at('start of day')).toBe('2026-03-17T18:30:00.000Z')
    expect(at('beginning of today')).toBe('2026-03-17T18:30:00.000Z')
    expect(at('end of day')).toBe('2026-03-18T18:29:59.999Z')
    expect(at('end of yesterday')).toBe('2026-03-17T18:29:59.999Z')
    expect(at('start of tomorrow')).toBe('2026-03-18T18:30:00.000Z')
  })

  it('weeks start on Monday', () => {
    expect(at('start of week')).toBe('2026-03-15T18:30:00.000Z')
    expect(at('start of this week')).toBe('2026-03-15T18:30:00.000Z')
    expect(at('beginning of last week')).toBe('2026-03-08T18:30:00.000Z')
    expect(at('start of next week')).toBe('2026-03-22T18:30:00.000Z')
    expect(at('end of week')).toBe('2026-03-22T18:29:59.999Z')
    expect(at('end of last week', NEW_YORK)).toBe('2026-03-16T03:59:59.999Z')
  })

  it('months and years', () => {
    expect(at('start of month')).toBe('2026-02-28T18:30:00.000Z')
    expect(at('beginning of the month', NEW_YORK)).toBe('2026-03-01T05:00:00.000Z')
    expect(at('start of last month')).toBe('2026-01-31T18:30:00.000Z')
    expect(at('end of last month')).toBe('2026-02-28T18:29:59.999Z')
    expect(at('start of next month')).toBe('2026-03-31T18:30:00.000Z')
    expect(at('end of this month', NEW_YORK)).toBe('2026-04-01T03:59:59.999Z')
    expect(at('start of year')).toBe('2025-12-31T18:30:00.000Z')
    expect(at('start of last year')).toBe('2024-12-31T18:30:00.000Z')
    expect(at('end of this year')).toBe('2026-12-31T18:29:59.999Z')
    expect(at('START  OF  Last  Month')).toBe('2026-01-31T18:30:00.000Z')
  })
})

describe('resolvePhrase: ISO 8601 and epoch', () => {
  it('takes date-times with an offset as exact instants', () => {
    expect(at('2026-03-01T09:00:00Z')).toBe('2026-03-01T09:00:00.000Z')
    expect(at('2026-03-01t09:00:00.5z')).toBe('2026-03-01T09:00:00.500Z')
    expect(at('2026-03-01T09:00:00+05:30', NEW_YORK)).toBe('2026-03-01T03:30:00.000Z')
    expect(at('2026-03-01T09:00-0800')).toBe('2026-03-01T17:00:00.000Z')
  })

  it('reads a bare date as local midnight and a local date-time in the zone', () => {
    expect(at('2026-03-01')).toBe('2026-02-28T18:30:00.000Z')
    expect(at('2026-03-01', NEW_YORK)).toBe('2026-03-01T05:00:00.000Z')
    expect(at('2026-03-01T09:00')).toBe('2026-03-01T03:30:00.000Z')
    expect(at('2026-07-01 09:00:15', NEW_YORK)).toBe('2026-07-01T13:00:15.000Z')
  })

  it('reads an integer as epoch microseconds', () => {
    expect(resolvePhrase('1767225600000000', NOW, KOLKATA)).toBe(1_767_225_600_000)
    expect(resolvePhrase('1767225600123999', NOW, KOLKATA)).toBe(1_767_225_600_123)
    expect(resolvePhrase('-1500', NOW, KOLKATA)).toBe(-2)
  })
})

describe('resolvePhrase: errors', () => {
  it.each([
    '',
    'next blue moon',
    'today 25:00',
    'today 12:60',
    '3 fortnights ago',
    'ago',
    'in days',
    '2026-02-30',
    '2026-13-01T00:00Z',
    'start of decade',
    'yesterday at 5pm',
    '99999999999999 years ago',
  ])('rejects %j with the accepted forms', (phrase) => {
    expect(() => resolvePhrase(phrase, NOW, KOLKATA)).toThrow(PhraseError)
    try {
      resolvePhrase(phrase, NOW, KOLKATA)
    } catch (error) {
      expect(error).toBeInstanceOf(PhraseError)
      expect((error as PhraseError).phrase).toBe(phrase)
      expect((error as PhraseError).message).toContain('Accepted forms: now; today, yesterday')
    }
  })

  it('rejects an unknown zone as a programming error', () => {
    expect(() => resolvePhrase('now', NOW, 'Nowhere/Land')).toThrow(RangeError)
  })
})
