export type FrequencyType = 'once' | 'hours' | 'days' | 'weeks' | 'months' | 'cron'

export interface Frequency {
  type: FrequencyType
  interval: number
  cron: string
  align_time: boolean
}

export interface Schedule {
  frequency: Frequency
  /** Anchor of the grid, epoch ms. For cron, 0 means "no anchor". */
  startMs: number
  timezone: string
  /** Minutes east of UTC; the fallback when `timezone` is empty or unknown. */
  timezoneOffset: number
}

/** A human-readable problem with one field of a schedule (`name` is the field's path). */
export interface FieldError {
  name: string
  description: string
}

export interface CatchUp {
  /** The slot to run now: the most recent due slot. */
  runSlot: number
  /** Due slots that are dropped in favour of `runSlot`. */
  skipped: number
  /** The first slot strictly after `runSlot`. */
  next: number | null
}

/**
 * The fire times of a schedule, as a set of instants (epoch ms).
 */
export interface Grid {
  /** The first slot strictly after `t`. */
  after(t: number): number | null
  /** The latest slot at or before `t`. */
  atOrBefore(t: number): number | null
  /** How many slots lie strictly between `a` and `b`. */
  countBetween(a: number, b: number): number
  /** Up to `count` successive slots strictly after `t`. */
  following(t: number, count: number): number[]
}
