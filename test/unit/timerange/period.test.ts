import { describe, expect, it } from 'vitest'
import { PeriodError, parsePeriod, resolveRange } from '../../../src/timerange/index.ts'

describe('parsePeriod', () => {
  it.each([
    ['30m', 30, 'm'],
    ['1h', 1, 'h'],
    ['7d', 7, 'd'],
    ['2w', 2, 'w'],
    ['1M', 1, 'M'],
    ['1y', 1, 'y'],
    ['015m', 15, 'm'],
  ])('reads %s', (period, amount, unit) => {
    expect(parsePeriod(period)).toEqual({ amount, unit })
  })

  it.each([
    '',
    'm',
    '0m',
    '-1h',
    '1.5h',
    '1H',
    '1D',
    '1 h',
    ' 1h',
    '1h ',
    '1mo',
    '1s',
    'h1',
    '99999999999999999999d',
  ])('rejects %j', (period) => {
    expect(parsePeriod(period)).toBeNull()
  })
})

describe('resolveRange', () => {
  const end = Date.parse('2026-03-31T10:00:00Z')
  const relative = (period: string) => ({ type: 'relative' as const, period, from: 0, to: 0 })
  const iso = (r: { fromMs: number; toMs: number }) => [
    new Date(r.fromMs).toISOString(),
    new Date(r.toMs).toISOString(),
  ]

  it('ends a relative period at the run time', () => {
    expect(iso(resolveRange(relative('30m'), end, 'UTC'))).toEqual([
      '2026-03-31T09:30:00.000Z',
      '2026-03-31T10:00:00.000Z',
    ])
  })

  it('treats hours, days and weeks as fixed durations, as OpenObserve does', () => {
    // Berlin lost an hour on Mar 29; "2d" is still 48 h.
    expect(resolveRange(relative('2d'), end, 'Europe/Berlin').fromMs).toBe(end - 48 * 3_600_000)
    expect(resolveRange(relative('1w'), end, 'Europe/Berlin').fromMs).toBe(end - 7 * 86_400_000)
    expect(resolveRange(relative('6h'), end, 'UTC').fromMs).toBe(end - 6 * 3_600_000)
  })

  it('uses calendar months and years in the zone, clamped to month end', () => {
    expect(iso(resolveRange(relative('1M'), end, 'UTC'))[0]).toBe('2026-02-28T10:00:00.000Z')
    // 12:00 in Berlin is 10:00Z in summer but 11:00Z in winter.
    expect(iso(resolveRange(relative('1M'), end, 'Europe/Berlin'))[0]).toBe(
      '2026-02-28T11:00:00.000Z',
    )
    expect(iso(resolveRange(relative('1y'), Date.parse('2028-02-29T00:00:00Z'), 'UTC'))[0]).toBe(
      '2027-02-28T00:00:00.000Z',
    )
  })

  it('converts an absolute range from microseconds', () => {
    const range = {
      type: 'absolute' as const,
      period: '',
      from: 1_700_000_000_123_456,
      to: 1_700_000_100_000_999,
    }
    expect(resolveRange(range, end, 'UTC')).toEqual({
      fromMs: 1_700_000_000_123,
      toMs: 1_700_000_100_000,
    })
  })

  it('throws for a relative range with a bad period', () => {
    expect(() => resolveRange(relative('1 day'), end, 'UTC')).toThrow(PeriodError)
    expect(() => resolveRange(relative(''), end, 'UTC')).toThrow(/Invalid period ""/)
  })
})
