/** RFC 3339 with an explicit +00:00 offset, as OpenObserve writes createdAt/updatedAt. */
export function rfc3339(d: Date): string {
  return d.toISOString().replace('Z', '+00:00')
}

/** Plain ISO 8601 UTC (for our own fields). */
export function iso(d: Date | null | undefined): string | null {
  return d ? d.toISOString() : null
}

export const msToUs = (ms: number): number => ms * 1000
export const usToMs = (us: number): number => Math.floor(us / 1000)
export const dateToUs = (d: Date | null | undefined): number | null =>
  d ? d.getTime() * 1000 : null
