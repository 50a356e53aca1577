import { z } from 'zod'

export const DATASOURCE_KINDS = ['postgres', 'sample'] as const
export type DatasourceKind = (typeof DATASOURCE_KINDS)[number]

const postgresUrl = z
  .string()
  .trim()
  .max(4096)
  .superRefine((v, ctx) => {
    let u: URL
    try {
      u = new URL(v)
    } catch {
      ctx.addIssue({
        code: 'custom',
        message: 'url must be a postgres://user:password@host/db URL',
      })
      return
    }
    if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
      ctx.addIssue({ code: 'custom', message: 'url must start with postgres:// or postgresql://' })
    } else if (!u.hostname) {
      ctx.addIssue({ code: 'custom', message: 'url must name a host' })
    }
  })

export const datasourceOptionsSchema = z
  .object({
    /** Connections this process may open to the database at once. */
    max_connections: z.number().int().min(1).max(32).optional(),
  })
  .default({})

/**
 * A datasource as an admin sends it. `url` is write-only: required to create a `postgres`
 * datasource, optional on update (absent keeps the stored one), refused for `sample`.
 */
export const datasourceInputSchema = z
  .object({
    name: z
      .string()
      .trim()
      .regex(
        /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/,
        'Datasource names are 1-64 letters, digits, _ . or - (not starting with . or -)',
      ),
    kind: z.enum(DATASOURCE_KINDS).default('postgres'),
    url: postgresUrl.optional(),
    options: datasourceOptionsSchema,
  })
  .superRefine((d, ctx) => {
    if (d.kind === 'sample' && d.url !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['url'],
        message: 'A sample datasource takes no url',
      })
    }
  })

export type DatasourceInput = z.infer<typeof datasourceInputSchema>

/** What the API shows of a datasource: never the password. */
export interface Datasource {
  datasourceId: string
  name: string
  kind: DatasourceKind
  /** The connection URL with its password masked; null when the kind has none. */
  url: string | null
  options: Record<string, unknown>
  /** The `sample` datasource every org has without creating it. */
  builtin: boolean
  createdAt: string | null
  updatedAt: string | null
}

const MASK = '*****'

/** The URL with any password (in the authority or as a parameter) replaced by a mask. */
export function maskUrl(url: string): string {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return MASK
  }
  if (u.password) u.password = MASK
  for (const key of [...u.searchParams.keys()]) {
    if (/pass|secret|key|token/i.test(key)) u.searchParams.set(key, MASK)
  }
  return u.toString()
}
