import { z } from 'zod'

/**
 * The OpenObserve Report object as clients send it. Lenient where OpenObserve is (unknown keys
 * ignored, defaults as OpenObserve's), strict in the checks in validate.ts.
 */

const str = (max: number) =>
  z
    .string()
    .max(max)
    .nullish()
    .transform((v) => v ?? '')

export const FREQUENCY_TYPES = ['once', 'hours', 'days', 'weeks', 'months', 'cron'] as const

export const frequencySchema = z.object({
  type: z.enum(FREQUENCY_TYPES).default('weeks'),
  interval: z.number().int('interval must be a whole number').default(0),
  cron: str(256),
  align_time: z.boolean().default(true),
})

export const timerangeSchema = z.object({
  type: z.enum(['relative', 'absolute']).default('relative'),
  period: str(32),
  from: z.number().int().default(0),
  to: z.number().int().default(0),
})

/** The formats a report entry renders in; a trigger's `format` picks among the same. */
export const REPORT_TYPES = ['pdf', 'png', 'csv', 'json', 'json_bulk'] as const
export type ReportType = (typeof REPORT_TYPES)[number]

export const reportDashboardSchema = z.object({
  dashboard: z.string().min(1, 'dashboard is required'),
  folder: z.string().default('default'),
  tabs: z.array(z.string()).max(50),
  variables: z
    .array(
      z.object({
        key: z.string().min(1).max(64),
        value: z.string().max(10_000),
        id: z.string().max(128).nullish(),
      }),
    )
    .max(100)
    .default([]),
  timerange: timerangeSchema.default({ type: 'relative', period: '1w', from: 0, to: 0 }),
  report_type: z.enum(REPORT_TYPES).default('pdf'),
  email_attachment_type: z.enum(['standard', 'inline']).default('standard'),
  attachment_dimensions: z
    .object({ width: z.number().int(), height: z.number().int() })
    .nullish()
    .transform((v) => v ?? undefined),
})

export const reportInputSchema = z.object({
  name: str(256),
  title: str(256),
  frequency: frequencySchema.default({ type: 'weeks', interval: 1, cron: '', align_time: true }),
  start: z.number().int('start must be a whole number of microseconds').default(0),
  dashboards: z.array(reportDashboardSchema).max(20),
  destinations: z.array(z.object({ email: z.string().max(320) })).max(500),
  description: str(10_000),
  message: str(100_000),
  enabled: z.boolean().default(false),
  imagePreview: z.boolean().default(false),
  // Who may run it by hand (trigger, generate): anyone allowed in its folder, or its owner and
  // org admins only (seed 003).
  manual_runs: z.enum(['anyone', 'owner']).default('anyone'),
  timezone: str(128),
  timezoneOffset: z.number().int('timezoneOffset must be whole minutes').default(0),
})

export type ReportInput = z.infer<typeof reportInputSchema>
export type Frequency = z.infer<typeof frequencySchema>
export type ReportDashboard = z.infer<typeof reportDashboardSchema>
export type Timerange = z.infer<typeof timerangeSchema>

export const bulkDeleteSchema = z.object({ ids: z.array(z.string().max(256)).max(10_000) })
export const moveSchema = z.object({
  report_ids: z.array(z.string().max(256)).max(10_000),
  dst_folder_id: z.string().min(1).max(256),
})
