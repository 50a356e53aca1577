import { createHash } from 'node:crypto'
import type { Clock } from '../clock.ts'

/**
 * Everything a dashboard entry's files depend on. Two runs with equal parts would get the same
 * bytes, so they may share one render; any part a user could see differ must be here.
 */
export interface RenderKeyParts {
  org: string
  dashboard: string
  /** The dashboard as stored (title and definition): any edit changes the key. */
  definition: unknown
  /** The entry's tabs, in order (empty: the first tab). */
  tabs: string[]
  from: number
  to: number
  timeZone: string
  variables: Record<string, string | string[]>
  /** Where date variables' phrases resolve (the run's slot), when the dashboard has any. */
  variablesAt?: number
  format: string
  /** json/json_bulk name the report inside the document. */
  reportName?: string
  width?: number
  height?: number
  /** A PNG preview is drawn too (imagePreview on a PDF email). */
  previewImage: boolean
  /** Version of each datasource the panels query (a changed URL may mean other data). */
  datasources: Record<string, string>
}

/** A digest of the parts, independent of key order in objects. */
export function renderKey(parts: RenderKeyParts): string {
  return createHash('sha256').update(canonical(parts)).digest('hex')
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`
  }
  return JSON.stringify(v ?? null)
}

interface Entry<T> {
  value: Promise<T>
  /** When it finished (clock ms); undefined while in flight. */
  doneAt?: number
  bytes: number
}

export interface SharedRendersOptions<T> {
  clock: Clock
  /** How long a finished render is offered to runs with the same key. */
  windowMs?: number
  /**
   * Most bytes of finished renders kept; the oldest go first. Default 16 MB: runs of one slot
   * with the same inputs share the render while it is in flight, which costs nothing here; the
   * kept ones only serve runs triggered a little later. At 64 MB a burst of distinct reports left
   * 64 MB of renders nobody would ask for again on the heap for a minute.
   */
  maxBytes?: number
  sizeOf(value: T): number
}

/**
 * Render once, deliver to many: runs of one slot (or close in time) with the same render key
 * share one render. The first run renders; the others wait for it and get the same files, so
 * the same sha256; each still stores its own outputs and delivers to its own recipients. A
 * failed render is not kept: the next run with that key renders again.
 *
 * Per process: another process renders the same key once itself. That costs a render, never
 * correctness, and keeps PostgreSQL the only state processes share.
 */
export class SharedRenders<T> {
  private readonly entries = new Map<string, Entry<T>>()
  private readonly clock: Clock
  private readonly windowMs: number
  private readonly maxBytes: number
  private readonly sizeOf: (value: T) => number
  private bytes = 0

  constructor(o: SharedRendersOptions<T>) {
    this.clock = o.clock
    this.windowMs = o.windowMs ?? 60_000
    this.maxBytes = o.maxBytes ?? 16 * 1024 * 1024
    this.sizeOf = o.sizeOf
  }

  /** The value for `key`: a render in flight or recent, else `produce()`'s (then offered). */
  async share(key: string, produce: () => Promise<T>): Promise<{ value: T; shared: boolean }> {
    this.expire()
    const found = this.entries.get(key)
    if (found) return { value: await found.value, shared: true }
    const entry: Entry<T> = { value: produce(), bytes: 0 }
    this.entries.set(key, entry)
    try {
      const value = await entry.value
      entry.doneAt = this.clock.now()
      entry.bytes = this.sizeOf(value)
      this.bytes += entry.bytes
      this.expire()
      return { value, shared: false }
    } catch (err) {
      if (this.entries.get(key) === entry) this.entries.delete(key)
      throw err
    }
  }

  /** Drops finished renders past the window, then the oldest while over the byte budget. */
  private expire(): void {
    const now = this.clock.now()
    for (const [key, e] of this.entries) {
      if (e.doneAt === undefined) continue
      if (now - e.doneAt < this.windowMs && now >= e.doneAt && this.bytes <= this.maxBytes) continue
      this.entries.delete(key)
      this.bytes -= e.bytes
    }
  }
}
