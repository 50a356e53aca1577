import { FixedOffsetZone, IANAZone, Info } from 'luxon'

/** How croner and luxon are told about a zone. */
export type ZoneSpec = { name: string } & ({ iana: string } | { offsetMinutes: number })

/** No place on Earth is further than 14 h from UTC (Kiribati is UTC+14). */
export const MAX_OFFSET_MINUTES = 14 * 60

const BROWSER_TIME = /^Browser Time \((.+)\)$/

/** The IANA zone a `timezone` field names, or null when it names none. */
export function ianaZoneOf(timezone: string): string | null {
  const trimmed = timezone.trim()
  // OpenObserve's UI stores the browser zone as a label rather than a zone name.
  const inner = BROWSER_TIME.exec(trimmed)?.[1]?.trim() ?? trimmed
  if (inner === '') return null
  if (inner.toUpperCase() === 'UTC') return 'UTC'
  return IANAZone.isValidZone(inner) ? inner : null
}

/**
 * The luxon zone name a schedule runs in: the IANA `timezone` when it is one (DST-aware), else
 * the fixed `offsetMinutes` (e.g. `UTC+5:30`) when non-zero, else `UTC`.
 */
export function resolveZone(timezone: string, offsetMinutes: number): string {
  const iana = ianaZoneOf(timezone)
  if (iana !== null) return iana
  if (isValidOffset(offsetMinutes) && offsetMinutes !== 0) {
    return FixedOffsetZone.instance(offsetMinutes).name
  }
  return 'UTC'
}

export function isValidOffset(offsetMinutes: number): boolean {
  return Number.isInteger(offsetMinutes) && Math.abs(offsetMinutes) <= MAX_OFFSET_MINUTES
}

/** Splits a resolved zone name into what croner needs: an IANA name or a fixed offset. */
export function zoneSpec(zoneName: string): ZoneSpec {
  const zone = Info.normalizeZone(zoneName)
  if (!zone.isValid) throw new RangeError(`Unknown timezone "${zoneName}"`)
  if (zone.type === 'iana') return { name: zoneName, iana: zone.name }
  return { name: zoneName, offsetMinutes: zone.offset(0) }
}

/** Throws unless luxon can use `zoneName`. */
export function assertZone(zoneName: string): void {
  zoneSpec(zoneName)
}
