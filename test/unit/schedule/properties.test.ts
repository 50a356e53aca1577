import fc from 'fast-check'
import { DateTime } from 'luxon'
import { describe, expect, it } from 'vitest'
import type { Frequency, Schedule } from '../../../src/schedule/index.ts'
import {
  catchUp,
  nextFireAfter,
  nextFires,
  resolveZone,
  wallClockOf,
} from '../../../src/schedule/index.ts'

const DAY = 86_400_000
const IANA_ZONES = [
  'UTC',
  'America/New_York',
  'Europe/Berlin',
  'Asia/Kolkata',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'America/Sao_Paulo',
  'America/Santiago',
  'Europe/London',
  'Asia/Kathmandu',
]
const CRONS = [
  '0 9 * * *',
  '30 2 * * *',
  '*/20 * * * *',
  '0 0,12 * * *',
  '15,45 1,2 * * *',
  '0 9 13 * 5',
  '0 0 9 * * 1-5',
  '0 30 2 * * * *',
  '0 0 2-3 * * *',
  '@weekly',
  '0 0 L * *',
]

const zoneArb = fc.oneof(
  fc.constantFrom(...IANA_ZONES).map((timezone) => ({ timezone, timezoneOffset: 0 })),
  fc.constantFrom(330, -570, 345, 780).map((timezoneOffset) => ({ timezone: '', timezoneOffset })),
)

const frequencyArb: fc.Arbitrary<Frequency> = fc.oneof(
  fc.record({
    type: fc.constant('hours' as const),
    interval: fc.integer({ min: 1, max: 48 }),
    cron: fc.constant(''),
    align_time: fc.boolean(),
  }),
  fc.record({
    type: fc.constantFrom('days' as const, 'weeks' as const, 'months' as const),
    interval: fc.integer({ min: 1, max: 14 }),
    cron: fc.constant(''),
    align_time: fc.boolean(),
  }),
  fc.record({
    type: fc.constant('cron' as const),
    interval: fc.constant(0),
    cron: fc.constantFrom(...CRONS),
    align_time: fc.boolean(),
  }),
  fc.record({
    type: fc.constant('once' as const),
    interval: fc.constant(0),
    cron: fc.constant(''),
    align_time: fc.boolean(),
  }),
)

/** Times of day near DST changes are over-represented on purpose. */
const timeOfDayArb = fc.oneof(
  fc.integer({ min: 0, max: DAY - 1 }),
  fc.constantFrom(0, 1.5, 2, 2.25, 2.5, 2.75, 3, 3.25, 23.5).map((h) => h * 3_600_000),
)

const scheduleArb: fc.Arbitrary<Schedule> = fc
  .record({
    frequency: frequencyArb,
    zone: zoneArb,
    day: fc.integer({ min: 0, max: 5 * 365 }),
    timeOfDay: timeOfDayArb,
  })
  .map(({ frequency, zone, day, timeOfDay }) => ({
    frequency,
    ...zone,
    startMs: Date.parse('2024-01-01T00:00:00Z') + day * DAY + timeOfDay,
  }))

const afterArb = fc.integer({ min: -40 * DAY, max: 3 * 365 * DAY })

const RUNS = { numRuns: Number(process.env.PROPERTY_RUNS ?? 150) }

describe('schedule properties', () => {
  it('fires are strictly increasing and strictly after the reference', () => {
    fc.assert(
      fc.property(scheduleArb, afterArb, (s, delta) => {
        const after = s.startMs + delta
        const fires = nextFires(s, after, 8)
        let previous = after
        for (const fire of fires) {
          expect(fire).toBeGreaterThan(previous)
          previous = fire
        }
        if (s.frequency.type !== 'once') expect(fires).toHaveLength(8)
      }),
      RUNS,
    )
  })

  it('no slot is skipped or repeated, wherever between two slots we ask', () => {
    fc.assert(
      fc.property(
        scheduleArb,
        afterArb,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 6, maxLength: 6 }),
        (s, delta, fractions) => {
          const after = s.startMs + delta
          const fires = nextFires(s, after, 7)
          expect(nextFireAfter(s, after)).toBe(fires[0] ?? null)
          for (let i = 0; i + 1 < fires.length; i++) {
            const here = fires[i] ?? 0
            const next = fires[i + 1] ?? 0
            expect(nextFireAfter(s, here)).toBe(next)
            const x = here + Math.floor((fractions[i] ?? 0) * (next - here))
            expect(nextFireAfter(s, Math.min(x, next - 1))).toBe(next)
            expect(nextFireAfter(s, next - 1)).toBe(next)
          }
        },
      ),
      RUNS,
    )
  })

  it('nextFires agrees with repeated nextFireAfter', () => {
    fc.assert(
      fc.property(scheduleArb, afterArb, (s, delta) => {
        const fires = nextFires(s, s.startMs + delta, 6)
        const walked: number[] = []
        let cursor: number | null = s.startMs + delta
        while (walked.length < 6) {
          cursor = nextFireAfter(s, cursor)
          if (cursor === null) break
          walked.push(cursor)
        }
        expect(fires).toEqual(walked)
      }),
      RUNS,
    )
  })

  it('catch-up runs the latest due slot and counts every earlier one', () => {
    fc.assert(
      fc.property(
        scheduleArb.filter((s) => s.frequency.type !== 'once' && s.frequency.align_time),
        afterArb,
        fc.integer({ min: 0, max: 8 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (s, delta, missed, fraction) => {
          const fires = nextFires(s, s.startMs + delta, 10)
          const planned = fires[0] ?? 0
          const runSlot = fires[missed] ?? 0
          const next = fires[missed + 1] ?? 0
          const now = runSlot + Math.floor(fraction * (next - runSlot - 1))
          expect(catchUp(s, planned, now)).toEqual({ runSlot, skipped: missed, next })
        },
      ),
      RUNS,
    )
  })

  it('catch-up counts long outages exactly as a walk over the slots does', () => {
    fc.assert(
      fc.property(
        scheduleArb.filter((s) => s.frequency.type !== 'once' && s.frequency.align_time),
        afterArb,
        fc.integer({ min: 0, max: 60 * DAY }),
        (s, delta, outage) => {
          const planned = nextFireAfter(s, s.startMs + delta) ?? 0
          const now = planned + outage
          const walked = nextFires(s, planned - 1, 2_000).filter((ms) => ms <= now)
          fc.pre(walked.length < 2_000)
          const result = catchUp(s, planned, now)
          expect(result.runSlot).toBe(walked.at(-1))
          expect(result.skipped).toBe(walked.length - 1)
        },
      ),
      { numRuns: Math.ceil(RUNS.numRuns / 10) },
    )
  })

  it('calendar schedules keep the wall-clock time of start, except inside a DST gap', () => {
    fc.assert(
      fc.property(
        scheduleArb.filter((s) => ['days', 'weeks', 'months'].includes(s.frequency.type)),
        afterArb,
        (s, delta) => {
          const zone = resolveZone(s.timezone, s.timezoneOffset)
          const time = (ms: number) => wallClockOf(ms, zone).toFormat('HH:mm:ss.SSS')
          const offset = (ms: number) => DateTime.fromMillis(ms, { zone }).offset
          for (const fire of nextFires(s, s.startMs + delta, 6)) {
            // A fire off the start's time must sit exactly where a gap ends.
            if (time(fire) !== time(s.startMs)) expect(offset(fire - 1)).toBeLessThan(offset(fire))
          }
        },
      ),
      RUNS,
    )
  })
})
