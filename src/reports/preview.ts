import { DateTime } from 'luxon'
import { z } from 'zod'
import { ValidationError } from '../errors.ts'
import { nextFires, resolveZone, validateSchedule } from '../schedule/index.ts'
import { frequencySchema } from './model.ts'
import { normaliseFrequency } from './validate.ts'

export const previewSchema = z.object({
  frequency: frequencySchema,
  start: z.number().int().min(0).default(0),
  timezone: z
    .string()
    .max(128)
    .nullish()
    .transform((v) => v ?? ''),
  timezoneOffset: z.number().int().default(0),
  count: z.number().int().min(1).max(100).default(10),
})

/**
 * The next fire times exactly as the scheduler computes them: the same pure functions, from now
 * (or from `start` when it is ahead).
 */
export function previewSchedule(input: z.infer<typeof previewSchema>, nowMs: number) {
  const schedule = {
    frequency: normaliseFrequency(input.frequency),
    startMs: Math.floor(input.start / 1000),
    timezone: input.timezone,
    timezoneOffset: input.timezoneOffset,
  }
  const errors = validateSchedule(schedule, nowMs)
  if (errors.length) throw new ValidationError(errors)
  const zone = resolveZone(input.timezone, input.timezoneOffset)
  // Exactly the slots a report saved now would get: the first is next_run_at (DESIGN §4.10).
  const fires = nextFires(schedule, nowMs, input.count)
  return {
    next: fires.map((ms) => ms * 1000),
    next_iso: fires.map((ms) =>
      DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true }),
    ),
  }
}
