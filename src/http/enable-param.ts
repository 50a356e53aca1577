import { z } from 'zod'

/**
 * `?value=` of the enable endpoints (v1 and v2). OpenObserve treats a missing value as `false`
 * (it disables), and its clients rely on that; an unparsable value is a 400 here rather than a
 * silent disable, because a typo that turns a report off is the kind of surprise we fix.
 */
export const enableQuery = z.object({
  value: z
    .string()
    .regex(/^(true|false)$/i, 'expected true or false')
    .transform((v) => v.toLowerCase() === 'true')
    .optional()
    .transform((v) => v ?? false),
})
