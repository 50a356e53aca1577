import { DateTime } from 'luxon'
import { describe, expect, it } from 'vitest'
import type { FrequencyType, Schedule } from '../../../src/schedule/index.ts'
import {
  catchUp,
  firstSlotOnSave,
  nextAfterRun,
  nextFireAfter,
  nextFires,
} from '../../../src/schedule/index.ts'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

function schedule(
  type: FrequencyType,
  interval: number,
  start: string,
  timezone = 'UTC',
  extra: { cron?: string; align_time?: boolean } = {},
): Schedule {
  return {
    frequency: { type, interval, cron: extra.cron ?? '', align_time: extra.align_time ?? true },
    startMs: DateTime.fromISO(start, { zone: timezone }).toMillis(),
    timezone,
    timezoneOffset: 0,
  }
}

describe('catchUp', () => {
  it('runs the most recent of 5 missed hourly slots and counts 4 skipped', () => {
    const s = schedule('hours', 1, '2026-01-01T00:00')
    const planned = s.startMs + 10 * HOUR
    const now = planned + 4 * HOUR + 20 * MINUTE
    expect(catchUp(s, planned, now)).toEqual({
      runSlot: planned + 4 * HOUR,
      skipped: 4,
      next: planned + 5 * HOUR,
    })
  })

  it('skips nothing when only the planned slot is due', () => {
    const s = schedule('days', 1, '2026-01-01T09:00', 'Europe/Berlin')
    const planned = s.startMs + 3 * DAY
    expect(catchUp(s, planned, planned + 5 * MINUTE)).toEqual({
      runSlot: planned,
      skipped: 0,
      next: planned + DAY,
    })
    expect(catchUp(s, planned, planned).skipped).toBe(0)
  })

  it('returns the planned slot unchanged when it is not yet due', () => {
    const s = schedule('hours', 1, '2026-01-01T00:00')
    expect(catchUp(s, s.startMs + HOUR, s.startMs)).toEqual({
      runSlot: s.startMs + HOUR,
      skipped: 0,
      next: s.startMs + 2 * HOUR,
    })
  })

  it('counts years of hourly downtime arithmetically', () => {
    const s = schedule('hours', 1, '2016-01-01T00:00')
    const planned = s.startMs
    const now = Date.parse('2026-01-01T00:30:00Z')
    const began = performance.now()
    const result = catchUp(s, planned, now)
    expect(performance.now() - began).toBeLessThan(50)
    expect(result.runSlot).toBe(Date.parse('2026-01-01T00:00:00Z'))
    expect(result.skipped).toBe((result.runSlot - planned) / HOUR)
    expect(result.next).toBe(result.runSlot + HOUR)
  })

  it('counts missed daily and monthly slots in the zone', () => {
    const days = schedule('days', 2, '2026-03-01T09:00', 'America/New_York')
    const now = DateTime.fromISO('2026-03-12T10:00', { zone: 'America/New_York' }).toMillis()
    const result = catchUp(days, days.startMs, now)
    // Slots on Mar 1, 3, 5, 7, 9, 11: run Mar 11, skip the five before it.
    expect(DateTime.fromMillis(result.runSlot, { zone: 'America/New_York' }).toISO()).toBe(
      '2026-03-11T09:00:00.000-04:00',
    )
    expect(result.skipped).toBe(5)

    const months = schedule('months', 1, '2025-01-31T06:00', 'Asia/Kolkata')
    const late = DateTime.fromISO('2026-03-01T00:00', { zone: 'Asia/Kolkata' }).toMillis()
    const monthly = catchUp(months, months.startMs, late)
    expect(DateTime.fromMillis(monthly.runSlot, { zone: 'Asia/Kolkata' }).toISODate()).toBe(
      '2026-02-28',
    )
    expect(monthly.skipped).toBe(13)
  })

  it('counts a planned slot off the grid as one of the skipped', () => {
    const s = schedule('hours', 1, '2026-01-01T00:00')
    const planned = s.startMs + 30 * MINUTE
    expect(catchUp(s, planned, s.startMs + 3 * HOUR + MINUTE)).toEqual({
      runSlot: s.startMs + 3 * HOUR,
      skipped: 3,
      next: s.startMs + 4 * HOUR,
    })
  })

  it('counts missed cron slots, also across a DST change', () => {
    const s = schedule('cron', 0, '2026-01-01T00:00', 'Europe/Berlin', { cron: '*/30 * * * *' })
    const planned = DateTime.fromISO('2026-03-28T12:00', { zone: 'Europe/Berlin' }).toMillis()
    const now = DateTime.fromISO('2026-03-30T12:10', { zone: 'Europe/Berlin' }).toMillis()
    const result = catchUp(s, planned, now)
    // 48 h of wall clock with one hour missing on Mar 29: 47 h of half-hour slots.
    expect(result.skipped).toBe(94)
    expect(result.runSlot).toBe(now - 10 * MINUTE)
    expect(result.skipped).toBe(nextFires(s, planned - 1, 200).indexOf(result.runSlot))
  })

  it('counts a cron over months with a gap and an overlap exactly as a walk does', () => {
    const s = schedule('cron', 0, '2025-12-01T00:00', 'America/New_York', {
      cron: '0 15,45 1,2 * * *',
    })
    const planned = nextFireAfter(s, Date.parse('2026-02-20T00:00:00Z')) ?? 0
    const now = Date.parse('2026-11-10T00:00:00Z')
    const walked = nextFires(s, planned - 1, 2000).filter((ms) => ms <= now)
    const result = catchUp(s, planned, now)
    expect(result.runSlot).toBe(walked.at(-1))
    expect(result.skipped).toBe(walked.length - 1)
  })

  it('counts a year of hourly cron downtime by days, not by walking every slot', () => {
    const s = schedule('cron', 0, '2020-01-01T00:00', 'Europe/Berlin', { cron: '0 * * * *' })
    const planned = Date.parse('2025-06-01T00:00:00Z')
    const now = Date.parse('2026-06-01T00:30:00Z')
    const began = performance.now()
    const result = catchUp(s, planned, now)
    expect(performance.now() - began).toBeLessThan(3_000)
    // "Every hour" is elapsed time: 23 fires on the spring day, 25 on the autumn one.
    expect(result.runSlot).toBe(Date.parse('2026-06-01T00:00:00Z'))
    expect(result.skipped).toBe((result.runSlot - planned) / HOUR)
  })

  it('re-anchors a non-aligned schedule at the planned slot', () => {
    const s = schedule('hours', 2, '2026-01-01T00:00', 'UTC', { align_time: false })
    const planned = s.startMs + 17 * MINUTE
    expect(catchUp(s, planned, planned + 5 * HOUR)).toEqual({
      runSlot: planned + 4 * HOUR,
      skipped: 2,
      next: planned + 6 * HOUR,
    })
  })

  it('never continues a once report', () => {
    const s = schedule('once', 0, '2026-01-01T00:00')
    expect(catchUp(s, s.startMs, s.startMs + DAY)).toEqual({
      runSlot: s.startMs,
      skipped: 0,
      next: null,
    })
  })
})

describe('firstSlotOnSave', () => {
  it('uses start when it is still ahead', () => {
    const s = schedule('days', 1, '2026-06-01T09:00', 'Europe/Berlin')
    expect(firstSlotOnSave(s, s.startMs - HOUR)).toBe(s.startMs)
  })

  it('otherwise picks the first slot strictly after now, never now itself', () => {
    const s = schedule('days', 1, '2026-06-01T09:00', 'Europe/Berlin')
    expect(firstSlotOnSave(s, s.startMs + 10 * DAY)).toBe(s.startMs + 11 * DAY)
    expect(firstSlotOnSave(s, s.startMs + 10 * DAY - 1)).toBe(s.startMs + 10 * DAY)
  })

  it('for cron uses the first match after start, or after now', () => {
    const s = schedule('cron', 0, '2026-06-01T09:00', 'UTC', { cron: '0 9 * * *' })
    expect(firstSlotOnSave(s, s.startMs - DAY)).toBe(s.startMs + DAY)
    expect(firstSlotOnSave(s, s.startMs + 5 * DAY + HOUR)).toBe(s.startMs + 6 * DAY)
  })

  it('gives a once report whose start passed no slot', () => {
    const s = schedule('once', 0, '2026-06-01T09:00')
    expect(firstSlotOnSave(s, s.startMs - 1)).toBe(s.startMs)
    expect(firstSlotOnSave(s, s.startMs)).toBeNull()
  })
})

describe('nextAfterRun', () => {
  it('stays on the grid when aligned, however late the run started', () => {
    const s = schedule('hours', 1, '2026-01-01T00:00')
    const planned = s.startMs + 5 * HOUR
    expect(nextAfterRun(s, planned, planned + 23 * MINUTE)).toBe(planned + HOUR)
  })

  it('counts from the actual start when not aligned', () => {
    const s = schedule('hours', 3, '2026-01-01T00:00', 'UTC', { align_time: false })
    const planned = s.startMs + 6 * HOUR
    expect(nextAfterRun(s, planned, planned + 7 * MINUTE)).toBe(planned + 3 * HOUR + 7 * MINUTE)
  })

  it('adds calendar days and months on the wall clock when not aligned', () => {
    const days = schedule('days', 1, '2026-03-01T09:00', 'America/New_York', { align_time: false })
    const started = DateTime.fromISO('2026-03-07T09:05', { zone: 'America/New_York' }).toMillis()
    const next = nextAfterRun(days, started - 5 * MINUTE, started) ?? 0
    expect(DateTime.fromMillis(next, { zone: 'America/New_York' }).toISO()).toBe(
      '2026-03-08T09:05:00.000-04:00',
    )
    const months = schedule('months', 1, '2026-01-31T09:00', 'UTC', { align_time: false })
    const jan31 = Date.parse('2026-01-31T09:01:00Z')
    expect(new Date(nextAfterRun(months, jan31, jan31) ?? 0).toISOString()).toBe(
      '2026-02-28T09:01:00.000Z',
    )
  })

  it('keeps cron on its grid even when not aligned, and ends once reports', () => {
    const s = schedule('cron', 0, '2026-01-01T00:00', 'UTC', {
      cron: '0 */6 * * *',
      align_time: false,
    })
    const planned = Date.parse('2026-01-02T06:00:00Z')
    expect(nextAfterRun(s, planned, planned + 40 * MINUTE)).toBe(planned + 6 * HOUR)
    expect(nextAfterRun(schedule('once', 0, '2026-01-01T00:00'), 0, 0)).toBeNull()
  })
})
