import addressparser from 'nodemailer/lib/addressparser'

/**
 * `SMTP_URL` syntax (validated at start by config.ts, used by the mailer):
 *
 * - `smtp://[user[:password]@]host[:port]` — port 25 by default; STARTTLS is used when the
 *   server offers it, plain text otherwise.
 * - `smtp://…?requireTLS=true` — STARTTLS is required: the message is never sent in clear, a
 *   server without STARTTLS is an error (the usual submission setup, port 587).
 * - `smtps://[user[:password]@]host[:port]` — implicit TLS from the first byte, port 465 by
 *   default.
 *
 * Other query parameters: `maxConnections` (pooled connections, 1-50, default 5) and
 * `rejectUnauthorized=false` (accept a self-signed certificate on an internal relay).
 * User and password are percent-decoded.
 */
export interface SmtpSettings {
  host: string
  port: number
  /** Implicit TLS (smtps://). */
  secure: boolean
  /** STARTTLS must succeed before anything is sent. */
  requireTLS: boolean
  auth?: { user: string; pass: string }
  maxConnections: number
  rejectUnauthorized: boolean
}

const PARAMS = ['requireTLS', 'maxConnections', 'rejectUnauthorized'] as const

function parseBool(name: string, v: string, problems: string[]): boolean | undefined {
  if (v === 'true' || v === '1') return true
  if (v === 'false' || v === '0') return false
  problems.push(`${name} must be true or false, not "${v}"`)
  return undefined
}

/** Parses SMTP_URL; `problems` lists every mistake, in words an operator can act on. */
export function parseSmtpUrl(
  raw: string,
): { settings: SmtpSettings; problems: [] } | { settings: null; problems: string[] } {
  const problems: string[] = []
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return { settings: null, problems: ['expected a URL like smtp://user:pass@host:587'] }
  }
  const secure = url.protocol === 'smtps:'
  if (!secure && url.protocol !== 'smtp:') {
    problems.push('expected an smtp:// or smtps:// URL')
  }
  if (!url.hostname) problems.push('the URL names no host')
  if (url.pathname !== '' && url.pathname !== '/') {
    problems.push(`unexpected path "${url.pathname}"`)
  }
  let requireTLS = false
  let maxConnections = 5
  let rejectUnauthorized = true
  for (const [key, value] of url.searchParams) {
    if (key === 'requireTLS') {
      requireTLS = parseBool(key, value, problems) ?? false
      if (secure && requireTLS) {
        problems.push('requireTLS is for STARTTLS on smtp://; smtps:// is always encrypted')
      }
    } else if (key === 'maxConnections') {
      const n = Number(value)
      if (!Number.isInteger(n) || n < 1 || n > 50) {
        problems.push('maxConnections must be an integer from 1 to 50')
      } else maxConnections = n
    } else if (key === 'rejectUnauthorized') {
      rejectUnauthorized = parseBool(key, value, problems) ?? true
    } else {
      problems.push(`unknown parameter "${key}" (known: ${PARAMS.join(', ')})`)
    }
  }
  let auth: SmtpSettings['auth']
  try {
    if (url.username) {
      auth = { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
    }
  } catch {
    problems.push('user or password is not valid percent-encoding')
  }
  if (problems.length) return { settings: null, problems }
  return {
    settings: {
      host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port ? Number(url.port) : secure ? 465 : 25,
      secure,
      requireTLS,
      auth,
      maxConnections,
      rejectUnauthorized,
    },
    problems: [],
  }
}

/** One mailbox, `Name <a@b>` or `a@b`; null when the text is not exactly one address. */
export function parseMailbox(text: string): { name: string; address: string } | null {
  const list = addressparser(text)
  const first = list[0]
  if (list.length !== 1 || !first || first.group || !first.address) return null
  if (!/^[^\s@<>()]+@[^\s@<>()]+$/.test(first.address)) return null
  return { name: first.name, address: first.address }
}
