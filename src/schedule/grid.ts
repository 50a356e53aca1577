import { cronGrid } from './cron.ts'
import { calendarGrid, hourlyGrid } from './periodic.ts'
import type { Grid, Schedule } from './types.ts'
import { resolveZone } from './zone.ts'

/**
 * The slot grid of a schedule. Every other function in this folder is a question asked of it.
 * `anchorMs` overrides the start (used to re-anchor non-aligned schedules at their last run).
 */
export function gridOf(s: Schedule, anchorMs: number = s.startMs): Grid {
  const zone = scheduleZone(s)
  const interval = effectiveInterval(s.frequency.interval)
  switch (s.frequency.type) {
    case 'once':
      return onceGrid(anchorMs)
    case 'hours':
      return hourlyGrid(anchorMs, interval)
    case 'days':
      return calendarGrid(anchorMs, zone, 'days', interval)
    case 'weeks':
      return calendarGrid(anchorMs, zone, 'days', interval * 7)
    case 'months':
      return calendarGrid(anchorMs, zone, 'months', interval)
    case 'cron':
      return cronGrid(s.frequency.cron, zone, anchorMs)
  }
}

export function scheduleZone(s: Schedule): string {
  return resolveZone(s.timezone, s.timezoneOffset)
}

/** OpenObserve stores 0 for "unset" and treats it as 1; anything else invalid is treated alike. */
export function effectiveInterval(interval: number): number {
  return Number.isInteger(interval) && interval >= 1 ? interval : 1
}

function onceGrid(atMs: number): Grid {
  return {
    after: (t) => (atMs > t ? atMs : null),
    atOrBefore: (t) => (atMs <= t ? atMs : null),
    countBetween: (a, b) => (a < atMs && atMs < b ? 1 : 0),
    following: (t, count) => (atMs > t && count > 0 ? [atMs] : []),
  }
}
