import { z } from 'zod'
import type { FieldError } from '../errors.ts'
import { validateSchedule } from '../schedule/index.ts'
import { parsePeriod } from '../timerange/index.ts'
import type { Frequency, ReportInput } from './model.ts'

const NAME_FORBIDDEN = /[:#?&%'"\s]/
const emailSchema = z.email()

/** OpenObserve stores interval 0 as 1 for non-cron types; cron and once ignore the interval. */
export function normaliseFrequency(f: Frequency): Frequency {
  if (f.type === 'cron') return { ...f, interval: 0, cron: f.cron.trim() }
  if (f.type === 'once') return { ...f, interval: 0, cron: '' }
  return { ...f, interval: f.interval === 0 ? 1 : f.interval, cron: '' }
}

export function validateName(name: string): FieldError[] {
  if (NAME_FORBIDDEN.test(name)) {
    return [
      {
        name: 'name',
        description:
          "Report name cannot contain ':', '#', '?', '&', '%', quotes and space characters",
      },
    ]
  }
  if (!name) return [{ name: 'name', description: 'Report name is required' }]
  if (name.includes('/')) return [{ name: 'name', description: "Report name cannot contain '/'" }]
  return []
}

/**
 * Every rule that needs no database: names, schedule, time ranges, destinations, formats.
 * The checks OpenObserve skips (W9) are here, so nothing invalid reaches the scheduler.
 */
export function validateReport(input: ReportInput, nowMs: number): FieldError[] {
  const errors: FieldError[] = [...validateName(input.name)]
  const frequency = normaliseFrequency(input.frequency)

  // `once` without a start is reported by validateSchedule below.
  if (input.start < 0) errors.push({ name: 'start', description: 'start cannot be negative' })
  if (input.start > 0 && input.start < 1e14) {
    errors.push({
      name: 'start',
      description: 'start is in microseconds since the epoch (this value looks like seconds or ms)',
    })
  }
  errors.push(
    ...validateSchedule(
      {
        frequency,
        startMs: Math.floor(input.start / 1000),
        timezone: input.timezone,
        timezoneOffset: input.timezoneOffset,
      },
      nowMs,
    ),
  )

  if (input.dashboards.length === 0) {
    errors.push({ name: 'dashboards', description: 'Atleast one dashboard is required' })
  }
  const seen = new Set<string>()
  input.dashboards.forEach((d, i) => {
    const at = `dashboards[${i}]`
    if (seen.has(d.dashboard)) {
      errors.push({
        name: `${at}.dashboard`,
        description: `Dashboard ${d.dashboard} is listed twice`,
      })
    }
    seen.add(d.dashboard)
    if (d.tabs.length === 0) {
      errors.push({ name: `${at}.tabs`, description: 'Atleast one tab is required' })
    }
    if (d.report_type === 'pdf' && d.email_attachment_type === 'inline') {
      errors.push({
        name: `${at}.email_attachment_type`,
        description: 'Inline attachment type is only supported for PNG reports, not PDF',
      })
    }
    const tr = d.timerange
    if (tr.type === 'relative' && !parsePeriod(tr.period)) {
      errors.push({
        name: `${at}.timerange.period`,
        description: `Invalid period "${tr.period}": use <number><unit>, unit one of m h d w M y (e.g. 30m, 7d, 1M)`,
      })
    }
    if (tr.type === 'absolute' && !(tr.from > 0 && tr.to > 0 && tr.from < tr.to)) {
      errors.push({
        name: `${at}.timerange`,
        description: 'An absolute time range needs from < to (microseconds since the epoch)',
      })
    }
    const dim = d.attachment_dimensions
    if (dim) {
      for (const k of ['width', 'height'] as const) {
        if (dim[k] < 100 || dim[k] > 10_000) {
          errors.push({
            name: `${at}.attachment_dimensions.${k}`,
            description: `${k} must be between 100 and 10000 pixels`,
          })
        }
      }
    }
  })

  const recipients = new Set<string>()
  input.destinations.forEach((dest, i) => {
    const email = dest.email.trim()
    if (!emailSchema.safeParse(email).success) {
      errors.push({
        name: `destinations[${i}].email`,
        description: `Invalid email address "${dest.email}"`,
      })
    } else if (recipients.has(email.toLowerCase())) {
      errors.push({ name: `destinations[${i}].email`, description: `${email} is listed twice` })
    }
    recipients.add(email.toLowerCase())
  })
  return errors
}
