/**
 * Wall-clock times in an IANA zone, with the browser's Intl only: the editor shows and takes a
 * report's start in the report's own timezone, whatever the viewer's is.
 */

function partsAt(ms, tz) {
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone: tz || 'UTC',
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  })
  const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]))
  return p
}

/** Minutes east of UTC of `tz` at instant `ms`. */
export function offsetAt(ms, tz) {
  const p = partsAt(ms, tz)
  const asUtc = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour % 24, +p.minute, +p.second)
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000)
}

/** `2027-03-07T09:00` (a datetime-local value) at instant `ms` in `tz`. */
export function toLocalInput(ms, tz) {
  const p = partsAt(ms, tz)
  return `${p.year}-${p.month}-${p.day}T${String(+p.hour % 24).padStart(2, '0')}:${p.minute}`
}

/** The instant (ms) a datetime-local value names in `tz`; NaN when it is not one. */
export function fromLocalInput(value, tz) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value || '')
  if (!m) return Number.NaN
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5])
  // Two passes settle the offset, also next to a DST change.
  let t = wall - offsetAt(wall, tz) * 60000
  t = wall - offsetAt(t, tz) * 60000
  return t
}

/** `UTC+02:00` for an offset in minutes. */
export function offsetLabel(minutes) {
  const sign = minutes < 0 ? '−' : '+'
  const a = Math.abs(minutes)
  return `UTC${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`
}

/** A fire time as people read it in `tz` (the viewer's when tz is undefined). */
export function formatIn(ms, tz) {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: tz,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(ms))
}

export function viewerZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
}

export function allZones() {
  try {
    const list = Intl.supportedValuesOf('timeZone')
    return list.includes('UTC') ? list : ['UTC', ...list]
  } catch {
    return ['UTC', 'Europe/Berlin', 'Europe/London', 'America/New_York']
  }
}

/**
 * The preview's fire times with their offsets in the report's zone and the viewer's, each marked
 * when its offset differs from the previous fire's (the run crosses a DST change).
 * @param {number[]} nextUs  microseconds
 */
export function describeFires(nextUs, tz, viewer = viewerZone()) {
  let prevR
  let prevV
  return nextUs.map((us) => {
    const ms = us / 1000
    const r = offsetAt(ms, tz || 'UTC')
    const v = offsetAt(ms, viewer)
    const item = {
      ms,
      report: formatIn(ms, tz || 'UTC'),
      reportOffset: offsetLabel(r),
      viewer: formatIn(ms, viewer),
      viewerOffset: offsetLabel(v),
      reportDst:
        prevR !== undefined && prevR !== r ? `${offsetLabel(prevR)} → ${offsetLabel(r)}` : '',
      viewerDst:
        prevV !== undefined && prevV !== v ? `${offsetLabel(prevV)} → ${offsetLabel(v)}` : '',
    }
    prevR = r
    prevV = v
    return item
  })
}
