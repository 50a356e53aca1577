import { DateTime } from 'luxon'
import { describe, expect, it } from 'vitest'
import { instantOfWallClock, resolveZone, wallClockOf } from '../../../src/schedule/index.ts'

const wall = (iso: string) => DateTime.fromISO(iso, { zone: 'UTC' })
const utc = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

describe('resolveZone', () => {
  it('uses a valid IANA timezone', () => {
    expect(resolveZone('Europe/Berlin', 330)).toBe('Europe/Berlin')
    expect(resolveZone('UTC', 330)).toBe('UTC')
  })

  it("unwraps the OpenObserve UI's Browser Time label", () => {
    expect(resolveZone('Browser Time (Asia/Kolkata)', 0)).toBe('Asia/Kolkata')
  })

  it('falls back to the fixed offset, then to UTC', () => {
    expect(resolveZone('', 330)).toBe('UTC+5:30')
    expect(resolveZone('Not/AZone', -570)).toBe('UTC-9:30')
    expect(resolveZone('Browser Time (Nowhere)', 60)).toBe('UTC+1')
    expect(resolveZone('', 0)).toBe('UTC')
  })

  it('ignores an out-of-range offset', () => {
    expect(resolveZone('', 900)).toBe('UTC')
    expect(resolveZone('', 1.5)).toBe('UTC')
  })

  it('returns names luxon can use', () => {
    const zone = resolveZone('', 330)
    expect(DateTime.fromMillis(0, { zone }).toISO()).toBe('1970-01-01T05:30:00.000+05:30')
  })
})

describe('instantOfWallClock (the DST rule)', () => {
  it('maps an ordinary local time to its instant', () => {
    const ms = instantOfWallClock(wall('2026-06-01T09:00'), 'Europe/Berlin')
    expect(utc(ms)).toBe('2026-06-01T07:00:00.000Z')
  })

  it('maps a time in a spring gap to the end of the gap, not forward by the gap length', () => {
    // Luxon alone would give 03:30 EDT here.
    expect(utc(instantOfWallClock(wall('2026-03-08T02:30'), 'America/New_York'))).toBe(
      '2026-03-08T07:00:00.000Z',
    )
    expect(utc(instantOfWallClock(wall('2026-03-29T02:30'), 'Europe/Berlin'))).toBe(
      '2026-03-29T01:00:00.000Z',
    )
  })

  it("handles Lord Howe's 30-minute and Chatham's 02:45 gaps", () => {
    // Lord Howe: 02:00 → 02:30 (+10:30 → +11).
    expect(utc(instantOfWallClock(wall('2026-10-04T02:10'), 'Australia/Lord_Howe'))).toBe(
      '2026-10-03T15:30:00.000Z',
    )
    // Chatham: 02:45 → 03:45 (+12:45 → +13:45).
    expect(utc(instantOfWallClock(wall('2026-09-27T03:00'), 'Pacific/Chatham'))).toBe(
      '2026-09-26T14:00:00.000Z',
    )
  })

  it('maps a repeated autumn time to its first occurrence', () => {
    // Luxon alone picks the second (EST) occurrence in New York.
    expect(utc(instantOfWallClock(wall('2026-11-01T01:30'), 'America/New_York'))).toBe(
      '2026-11-01T05:30:00.000Z',
    )
    expect(utc(instantOfWallClock(wall('2026-10-25T02:30'), 'Europe/Berlin'))).toBe(
      '2026-10-25T00:30:00.000Z',
    )
    expect(utc(instantOfWallClock(wall('2026-04-05T01:45'), 'Australia/Lord_Howe'))).toBe(
      '2026-04-04T14:45:00.000Z',
    )
    expect(utc(instantOfWallClock(wall('2026-04-05T03:00'), 'Pacific/Chatham'))).toBe(
      '2026-04-04T13:15:00.000Z',
    )
  })

  it('round-trips with wallClockOf', () => {
    const ms = Date.parse('2027-07-14T12:34:56.789Z')
    expect(instantOfWallClock(wallClockOf(ms, 'Asia/Kolkata'), 'Asia/Kolkata')).toBe(ms)
    expect(wallClockOf(ms, 'Asia/Kolkata').toISO()).toBe('2027-07-14T18:04:56.789Z')
  })
})
