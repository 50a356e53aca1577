import { CronSyntaxError } from './cron.ts'
import { gridOf } from './grid.ts'
import type { Grid, Schedule } from './types.ts'

/**
 * Fire-time questions a scheduler asks. All times are epoch milliseconds and every function is
 * pure: "now" is always an argument.
 *
 * A cron expression that does not parse has no fires here (null / empty); `validateSchedule`
 * reports why, and is meant to stop such a schedule at save time.
 */

/** The first fire strictly after `afterMs`, or null when the schedule never fires again. */
export function nextFireAfter(s: Schedule, afterMs: number): number | null {
  const grid = safeGrid(s)
  return grid === null ? null : grid.after(afterMs)
}

/** Up to `count` successive fires strictly after `afterMs` (fewer when the schedule ends). */
export function nextFires(s: Schedule, afterMs: number, count: number): number[] {
  return safeGrid(s)?.following(afterMs, count) ?? []
}

/**
 * The slot `next_run_at` gets when a report is saved, enabled or moved: `start` when it is still
 * ahead (for cron, the first match after it), otherwise the first slot strictly after now. It is
 * never at or before now, so saving never sends. A `once` report whose start has passed gets
 * null: whether it already ran is the caller's knowledge, not the schedule's.
 */
export function firstSlotOnSave(s: Schedule, nowMs: number): number | null {
  // Every grid starts at `start` (cron: after it), so this is exactly "the next fire after now".
  return nextFireAfter(s, nowMs)
}

/**
 * The next slot after the run planned for `plannedMs` started at `startedMs`. Aligned schedules
 * (and every cron) stay on the grid: the slot after the planned one, so delays never drift it.
 * Non-aligned ones fire one interval after the run actually started, counted in the zone's
 * wall clock for days, weeks and months. A `once` report has no next slot.
 */
export function nextAfterRun(s: Schedule, plannedMs: number, startedMs: number): number | null {
  if (s.frequency.type === 'once') return null
  if (s.frequency.type === 'cron' || s.frequency.align_time) return nextFireAfter(s, plannedMs)
  return gridOf(s, startedMs).after(startedMs)
}

/** The grid a schedule fires on, or null when its cron expression does not parse. */
export function safeGrid(s: Schedule, anchorMs?: number): Grid | null {
  try {
    return gridOf(s, anchorMs)
  } catch (error) {
    if (error instanceof CronSyntaxError) return null
    throw error
  }
}
