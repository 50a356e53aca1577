import { CronSyntaxError, compileCron } from './cron.ts'
import { gridOf, scheduleZone } from './grid.ts'
import type { FieldError, FrequencyType, Schedule } from './types.ts'
import { ianaZoneOf, isValidOffset, MAX_OFFSET_MINUTES } from './zone.ts'

/**
 * Save-time checks, so that a schedule that cannot fire is a 400 for the admin rather than a
 * surprise for the scheduler. Messages are written for a person.
 */

const TYPES: readonly FrequencyType[] = ['once', 'hours', 'days', 'weeks', 'months', 'cron']

/** About 1000 years of each unit: anything larger is a typo, and it keeps dates representable. */
const MAX_INTERVAL: Record<string, { max: number; unit: string }> = {
  hours: { max: 8_766_000, unit: 'hours' },
  days: { max: 365_250, unit: 'days' },
  weeks: { max: 52_178, unit: 'weeks' },
  months: { max: 12_000, unit: 'months' },
}

const CRON_FORMS =
  'use 5 fields (minute hour day-of-month month day-of-week), 6 with leading seconds, ' +
  '7 with a trailing year, or @hourly, @daily, @weekly, @monthly, @yearly'

/**
 * Every problem with a schedule, as field errors (empty when it is valid). Expects the interval
 * already normalised the OpenObserve way (0 → 1 for non-cron types); a cron must fire after
 * `nowMs` (and after `start`, when set) to be valid.
 */
export function validateSchedule(s: Schedule, nowMs: number): FieldError[] {
  const errors = [...zoneErrors(s), ...startErrors(s), ...frequencyErrors(s, nowMs)]
  if (errors.length === 0 && s.frequency.type !== 'once' && s.frequency.type !== 'cron') {
    if (gridOf(s).after(nowMs) === null) {
      errors.push({ name: 'start', description: 'The schedule has no future fire time' })
    }
  }
  return errors
}

function zoneErrors(s: Schedule): FieldError[] {
  const errors: FieldError[] = []
  if (s.timezone.trim() !== '' && ianaZoneOf(s.timezone) === null) {
    errors.push({
      name: 'timezone',
      description: `Unknown timezone "${s.timezone}": use an IANA name such as "Europe/Berlin" or "UTC"`,
    })
  }
  if (!isValidOffset(s.timezoneOffset)) {
    errors.push({
      name: 'timezoneOffset',
      description:
        `Timezone offset must be a whole number of minutes between -${MAX_OFFSET_MINUTES} and ` +
        `${MAX_OFFSET_MINUTES} (UTC-14:00 to UTC+14:00), got ${s.timezoneOffset}`,
    })
  }
  return errors
}

function startErrors(s: Schedule): FieldError[] {
  if (!Number.isSafeInteger(s.startMs) || s.startMs < 0) {
    return [{ name: 'start', description: 'Start must be a time at or after 1970-01-01T00:00Z' }]
  }
  if (s.frequency.type === 'once' && s.startMs === 0) {
    return [{ name: 'start', description: 'A one-time report needs a start time' }]
  }
  return []
}

function frequencyErrors(s: Schedule, nowMs: number): FieldError[] {
  const { type, interval } = s.frequency
  if (!TYPES.includes(type)) {
    return [
      { name: 'frequency.type', description: `Frequency type must be one of ${TYPES.join(', ')}` },
    ]
  }
  if (type === 'cron') return cronErrors(s, nowMs)
  const bound = MAX_INTERVAL[type]
  if (
    bound !== undefined &&
    !(Number.isInteger(interval) && interval >= 1 && interval <= bound.max)
  ) {
    return [
      {
        name: 'frequency.interval',
        description:
          `Interval must be a whole number of ${bound.unit} from 1 to ${bound.max}, ` +
          `got ${interval}`,
      },
    ]
  }
  return []
}

function cronErrors(s: Schedule, nowMs: number): FieldError[] {
  const expression = s.frequency.cron
  if (expression.trim() === '') {
    return [{ name: 'frequency.cron', description: 'A cron schedule needs a cron expression' }]
  }
  try {
    compileCron(expression, scheduleZone(s))
  } catch (error) {
    if (!(error instanceof CronSyntaxError)) throw error
    return [
      {
        name: 'frequency.cron',
        description: `Invalid cron expression: ${error.message}; ${CRON_FORMS}`,
      },
    ]
  }
  if (gridOf(s).after(nowMs) === null) {
    return [
      {
        name: 'frequency.cron',
        description:
          'Cron expression has no future fire time: ' +
          `"${expression.trim()}" never matches after now`,
      },
    ]
  }
  return []
}
