import type { Context } from 'hono'
import { ForbiddenError, GoneError, NotFoundError } from '../errors.ts'
import { escapeHtml } from '../lib/html.ts'
import type { RunPage, RunView } from '../runs/run-page.ts'
import { timeLabel } from '../timerange/index.ts'

/**
 * The run page a recipient opens from an email: plain HTML written here, every value escaped,
 * no scripts, no remote content. The headers forbid scripts, framing and sniffing, and keep the
 * signed URL out of Referer headers and shared caches.
 */
const HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'x-content-type-options': 'nosniff',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'x-robots-tag': 'noindex, nofollow',
  'cache-control': 'private, no-store',
}

const STATES: Record<string, string> = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Succeeded',
  partially_failed: 'Partly failed: some recipients did not get it',
  failed: 'Failed',
  cancelled: 'Cancelled',
}

const STYLE =
  'body{font-family:Arial,Helvetica,sans-serif;font-size:15px;color:#222;max-width:46rem;' +
  'margin:2rem auto;padding:0 1rem}h1{font-size:1.5rem}dt{color:#666;margin-top:.6rem}' +
  'dd{margin:0}li{margin:.3rem 0}.muted{color:#777;font-size:13px}'

function page(title: string, body: string): string {
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>` +
    `<body>${body}</body></html>`
  )
}

function humanSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

export function runPageHtml(v: RunView): string {
  const when = (ms: number) => escapeHtml(timeLabel(ms, v.timeZone))
  const facts: [string, string][] = [['State', escapeHtml(STATES[v.state] ?? v.state)]]
  if (v.scheduledForMs !== null) facts.push(['Scheduled for', when(v.scheduledForMs)])
  else facts.push(['Requested', when(v.createdAtMs)])
  if (v.finishedAtMs !== null) facts.push(['Finished', when(v.finishedAtMs)])
  for (const r of v.ranges) facts.push(['Time range', escapeHtml(r)])
  const outputs =
    v.outputs.length === 0
      ? '<p>This run has no files (yet, or any more).</p>'
      : `<ul>${v.outputs
          .map(
            (o) =>
              `<li><a href="${escapeHtml(o.url)}" download>${escapeHtml(o.filename)}</a> ` +
              `<span class="muted">${escapeHtml(o.mediaType)}, ${humanSize(o.size)}</span></li>`,
          )
          .join('')}</ul>`
  return page(
    `${v.title} · Herald`,
    `<h1>${escapeHtml(v.title)}</h1>` +
      `<p class="muted">Report ${escapeHtml(v.reportName)} in ${escapeHtml(v.org)}, run ${escapeHtml(v.runId)}</p>` +
      `<dl>${facts.map(([k, val]) => `<dt>${k}</dt><dd>${val}</dd>`).join('')}</dl>` +
      `<h2>Files</h2>${outputs}` +
      `<p class="muted">This page and its links work until ${when(v.expiresAtMs)}.</p>`,
  )
}

const PROBLEMS = {
  invalid: {
    status: 403,
    error: () => new ForbiddenError('This run link is invalid'),
    title: 'This link is not valid',
    text: 'The link was changed or is incomplete. Open it again from the email, exactly as it was sent.',
  },
  expired: {
    status: 410,
    error: () => new GoneError('This run link has expired'),
    title: 'This link has expired',
    text: 'Links in report emails work for a limited time. Ask the report’s owner for a new copy.',
  },
  missing: {
    status: 404,
    error: () => new NotFoundError('Run not found'),
    title: 'This run no longer exists',
    text: 'The report or its run was deleted, or its files were purged after the retention period.',
  },
} as const

/**
 * The run page, or a page saying plainly why it cannot be shown. A client that does not ask for
 * HTML (a script, curl) gets the refusal as the usual error envelope instead.
 */
export function sendRunPage(c: Context, result: RunPage): Response {
  if (result.kind === 'ok') return c.body(runPageHtml(result.view), 200, HEADERS)
  const p = PROBLEMS[result.kind]
  if (!acceptsHtml(c.req.header('accept'))) throw p.error()
  const html = page(p.title, `<h1>${escapeHtml(p.title)}</h1><p>${escapeHtml(p.text)}</p>`)
  return c.body(html, p.status, HEADERS)
}

// Browsers ask for text/html first thing; API clients send "*/*", JSON, or nothing.
function acceptsHtml(accept: string | undefined): boolean {
  return /(^|,)\s*text\/html\b/i.test(accept ?? '')
}
