import { DateTime } from 'luxon'

/**
 * Wall-clock times are luxon DateTimes in UTC whose fields are the local civil time of some zone.
 * Calendar arithmetic on them (plus days, plus months with end-of-month clamping) is exact and
 * free of DST; `instantOfWallClock` maps the result back to an instant with the DST rule.
 */

const DAY_MS = 86_400_000

/** The civil time in `zone` at instant `ms`, as a wall-clock value. */
export function wallClockOf(ms: number, zone: string): DateTime {
  return DateTime.fromMillis(ms, { zone }).setZone('UTC', { keepLocalTime: true })
}

/**
 * The instant at which the civil time `wall` happens in `zone`, by the one DST rule every
 * schedule follows: a time inside a spring-forward gap maps to the first instant after the gap,
 * and a time that happens twice maps to its first occurrence. Null outside luxon's range.
 */
export function instantOfWallClock(wall: DateTime, zone: string): number | null {
  if (!wall.isValid) return null
  const local = DateTime.fromObject(wall.toObject(), { zone })
  if (!local.isValid) return null
  if (sameWallClock(local, wall)) {
    // Luxon picks either occurrence of a repeated time depending on the zone; we want the first.
    return Math.min(...local.getPossibleOffsets().map((candidate) => candidate.toMillis()))
  }
  // Luxon moves a time in a gap forward by the gap's length (02:30 → 03:30), so the result is
  // past the gap; search back for the instant the gap ends.
  return firstInstantReaching(wall, zone, local.toMillis())
}

function sameWallClock(local: DateTime, wall: DateTime): boolean {
  return (
    local.millisecond === wall.millisecond &&
    local.second === wall.second &&
    local.minute === wall.minute &&
    local.hour === wall.hour &&
    local.day === wall.day &&
    local.month === wall.month &&
    local.year === wall.year
  )
}

/** The earliest instant in (hi - 2 days, hi] whose civil time is at or after `wall`. */
function firstInstantReaching(wall: DateTime, zone: string, hi: number): number {
  const target = wall.toMillis()
  // Gaps are shorter than a day (Samoa skipped exactly one in 2011), so this bound is safe.
  let lo = hi - 2 * DAY_MS
  let high = hi
  while (high - lo > 1) {
    const mid = lo + Math.floor((high - lo) / 2)
    if (wallClockOf(mid, zone).toMillis() >= target) high = mid
    else lo = mid
  }
  return high
}
