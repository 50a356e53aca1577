import { safeGrid } from './next.ts'
import type { CatchUp, Schedule } from './types.ts'

/**
 * What to run when the scheduler reaches a due slot late (after downtime): one run for the most
 * recent slot at or before now, with every earlier due slot counted as skipped, and the grid
 * resuming after it. A slot is never offered twice: `next` is strictly after `runSlot`.
 *
 * `plannedMs` is the report's `next_run_at`; it need not lie on the grid (for example after a
 * non-aligned run), and counts as one of the skipped slots when a later one is run instead.
 * Non-aligned schedules are re-anchored at `plannedMs`. If `plannedMs` is not yet due, it is
 * returned as the slot to run with nothing skipped.
 *
 * Cost does not grow with the length of the outage for hours/days/weeks/months; for cron it
 * grows with the number of days that have fires, not with the number of fires.
 */
export function catchUp(s: Schedule, plannedMs: number, nowMs: number): CatchUp {
  const aligned = s.frequency.align_time || s.frequency.type === 'cron'
  const grid = safeGrid(s, aligned ? undefined : plannedMs)
  if (grid === null || s.frequency.type === 'once') {
    return { runSlot: plannedMs, skipped: 0, next: null }
  }
  const latest = nowMs > plannedMs ? grid.atOrBefore(nowMs) : null
  if (latest === null || latest <= plannedMs) {
    return { runSlot: plannedMs, skipped: 0, next: grid.after(plannedMs) }
  }
  return {
    runSlot: latest,
    skipped: 1 + grid.countBetween(plannedMs, latest),
    next: grid.after(latest),
  }
}
