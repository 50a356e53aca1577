import type { Grid } from './types.ts'
import { instantOfWallClock, wallClockOf } from './wall-clock.ts'

/**
 * Grids with a fixed period: slot k (k ≥ 0) is the k-th period after the anchor. Slot indexes
 * are estimated from elapsed time and corrected by a step or two, so a start years in the past
 * costs the same as one yesterday.
 */

const HOUR_MS = 3_600_000
/** The last instant a JavaScript Date can hold. */
const MAX_MS = 8_640_000_000_000_000

interface Periodic {
  /** Slot k, or null when it lies outside representable time. */
  slot(k: number): number | null
  /** The index of the first slot strictly after `t`. */
  firstIndexAfter(t: number): number
}

/** Every `hours` hours of elapsed time from `startMs`: DST does not stretch or shrink it. */
export function hourlyGrid(startMs: number, hours: number): Grid {
  const period = hours * HOUR_MS
  return gridOf({
    slot: (k) => withinRange(startMs + k * period),
    firstIndexAfter: (t) => (t < startMs ? 0 : Math.floor((t - startMs) / period) + 1),
  })
}

/**
 * Every `step` calendar units from the civil time of `startMs` in `zone`. Each slot is computed
 * from the anchor, never from the previous slot, so a Jan 31 anchor gives Feb 28 then Mar 31.
 */
export function calendarGrid(
  startMs: number,
  zone: string,
  unit: 'days' | 'months',
  step: number,
): Grid {
  const anchor = wallClockOf(startMs, zone)
  // Slot 0 is the start instant itself, even when it is the second occurrence of a repeated time.
  const slot = memoize((k: number): number | null =>
    k === 0 ? startMs : instantOfWallClock(anchor.plus({ [unit]: k * step }), zone),
  )

  const firstIndexAfter = (t: number): number => {
    if (t < startMs) return 0
    const elapsed = wallClockOf(Math.min(t, MAX_MS), zone).diff(anchor, unit).get(unit)
    let k = Math.max(0, Math.floor(elapsed / step))
    while (k > 0 && isAfter(slot(k), t)) k--
    while (!isAfter(slot(k), t)) k++
    return k
  }
  return gridOf({ slot, firstIndexAfter })
}

function gridOf({ slot, firstIndexAfter }: Periodic): Grid {
  return {
    following: (t, count) => {
      const slots: number[] = []
      for (let k = firstIndexAfter(t); slots.length < count; k++) {
        const at = slot(k)
        if (at === null) break
        slots.push(at)
      }
      return slots
    },
    after: (t) => slot(firstIndexAfter(t)),
    atOrBefore: (t) => {
      const k = firstIndexAfter(t) - 1
      return k < 0 ? null : slot(k)
    },
    countBetween: (a, b) => (b <= a ? 0 : Math.max(0, firstIndexAfter(b - 1) - firstIndexAfter(a))),
  }
}

/** The index search asks for the same few slots more than once; each costs a zone lookup. */
function memoize(slot: (k: number) => number | null): (k: number) => number | null {
  const known = new Map<number, number | null>()
  return (k) => {
    let at = known.get(k)
    if (at === undefined) {
      at = slot(k)
      if (known.size > 64) known.clear()
      known.set(k, at)
    }
    return at
  }
}

/** An unrepresentable slot counts as later than any instant. */
function isAfter(slot: number | null, t: number): boolean {
  return slot === null || slot > t
}

function withinRange(ms: number): number | null {
  return Math.abs(ms) <= MAX_MS ? ms : null
}
