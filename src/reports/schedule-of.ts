import { firstSlotOnSave, type Schedule } from '../schedule/index.ts'
import type { Frequency } from './model.ts'

export interface ScheduleFields {
  frequency: unknown
  startUs: number
  timezone: string
  tzOffsetMinutes: number
}

export function scheduleOf(r: ScheduleFields): Schedule {
  return {
    frequency: r.frequency as Frequency,
    startMs: Math.floor(r.startUs / 1000),
    timezone: r.timezone,
    timezoneOffset: r.tzOffsetMinutes,
  }
}

/** Whether two versions of a report would fire at different times. */
export function scheduleChanged(a: ScheduleFields, b: ScheduleFields): boolean {
  // Field by field: a frequency read back from jsonb has its keys in another order.
  const fa = a.frequency as Partial<Frequency>
  const fb = b.frequency as Partial<Frequency>
  return (
    fa.type !== fb.type ||
    fa.interval !== fb.interval ||
    (fa.cron ?? '') !== (fb.cron ?? '') ||
    (fa.align_time ?? true) !== (fb.align_time ?? true) ||
    a.startUs !== b.startUs ||
    a.timezone !== b.timezone ||
    a.tzOffsetMinutes !== b.tzOffsetMinutes
  )
}

/**
 * DESIGN §4.10: the first slot strictly after now (or start, when that is still ahead).
 * A `once` report whose start has passed but which has not yet run fires now: OpenObserve's
 * "Schedule now" sends a start a few seconds in the past, and that report's one send is not an
 * extra one.
 */
export function nextRunOnSave(
  r: ScheduleFields & { enabled: boolean },
  nowMs: number,
  alreadyRan = false,
): Date | null {
  if (!r.enabled) return null
  const next = firstSlotOnSave(scheduleOf(r), nowMs)
  if (next !== null) return new Date(next)
  const once = (r.frequency as { type?: string }).type === 'once'
  return once && !alreadyRan ? new Date(nowMs) : null
}
