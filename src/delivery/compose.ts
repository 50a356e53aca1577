import { createHash } from 'node:crypto'
import MailComposer, {
  type MailComposerAttachment,
  type MailComposerOptions,
} from 'nodemailer/lib/mail-composer'
import sanitizeHtml from 'sanitize-html'
import { escapeHtml } from '../lib/html.ts'
import type { ReportDashboard } from '../reports/model.ts'
import type { ReportRow } from '../reports/queries.ts'
import { rangeLabel, timeLabel } from '../timerange/index.ts'
import type { DeliveryOutput, DeliveryParameters } from './types.ts'

/**
 * Builds report emails: what is attached or inlined, the HTML and text bodies, and the MIME
 * message itself (nodemailer's MailComposer; no MIME is written by hand).
 */

export type ReportForMail = Pick<
  ReportRow,
  'id' | 'org' | 'name' | 'title' | 'message' | 'dashboards' | 'imagePreview'
>

export interface PlannedFile {
  output: DeliveryOutput
  filename: string
  contentType: string
  /** `inline`: an image shown in the HTML body by Content-ID; `attachment`: a file. */
  disposition: 'attachment' | 'inline'
  cid?: string
}

export interface LinkedFile {
  file: PlannedFile
  url: string
  expiresAtMs: number
}

export interface MessageContent {
  subject: string
  html: string
  text: string
  attachments: MailComposerAttachment[]
  /** Files sent as signed links instead of inside the message. */
  linked: LinkedFile[]
}

export interface MailContext {
  report: ReportForMail
  folderName: string
  runId: string
  parameters: Pick<DeliveryParameters, 'ranges' | 'timezone'>
  /** The run's signed page (LinkSigner.runUrl): opens in a browser, no credentials. */
  runLink: { url: string; expiresAtMs: number }
}

const EXTENSIONS: Record<string, string> = {
  'application/pdf': '.pdf',
  'image/png': '.png',
  'text/csv': '.csv',
  'application/json': '.json',
  'application/x-ndjson': '.ndjson',
}

/** OpenObserve's rule: ASCII letters, digits, `-`, `_` and space stay; the rest becomes `_`. */
export function sanitizeFileStem(name: string): string {
  return name
    .replace(/[^A-Za-z0-9 _-]/g, '_')
    .trim()
    .slice(0, 100)
}

export function subjectOf(report: Pick<ReportRow, 'title' | 'name'>): string {
  return report.title.trim() || report.name
}

/**
 * Stable per (run, recipient): a message sent again after a crash carries the same Message-ID,
 * so mail clients and the ledger can tell it is the same message.
 */
export function messageIdFor(runId: string, recipient: string): string {
  const hash = createHash('sha256').update(recipient.trim().toLowerCase()).digest('hex')
  return `<${runId}.${hash.slice(0, 24)}@herald>`
}

/** Bytes an attachment adds once base64-encoded in 76-column lines. */
export function encodedSize(bytes: number): number {
  const b64 = Math.ceil(bytes / 3) * 4
  return b64 + Math.ceil(b64 / 76) * 2
}

function extensionOf(o: DeliveryOutput): string {
  return EXTENSIONS[o.mediaType] ?? /\.[A-Za-z0-9]{1,8}$/.exec(o.filename)?.[0]?.toLowerCase() ?? ''
}

function dashboardOf(report: ReportForMail, o: DeliveryOutput): ReportDashboard | undefined {
  const list = report.dashboards as ReportDashboard[]
  if (o.dashboard !== null) return list[o.dashboard]
  // A renderer that does not say which dashboard: unambiguous only with one.
  return list.length === 1 ? list[0] : undefined
}

/**
 * Decides, per output, attachment or inline image, from the producing dashboard's report_type
 * and email_attachment_type: a PNG beside a PDF is the image preview, shown inline; a PNG report
 * is inline when the dashboard asks for it; everything else is a standard attachment. Names
 * come from the sanitised title.
 */
export function planFiles(report: ReportForMail, outputs: DeliveryOutput[]): PlannedFile[] {
  const stem = sanitizeFileStem(subjectOf(report)) || 'report'
  const sorted = [...outputs].sort((a, b) => a.index - b.index)
  const perExt = new Map<string, number>()
  for (const o of sorted) perExt.set(extensionOf(o), (perExt.get(extensionOf(o)) ?? 0) + 1)
  const used = new Set<string>()
  return sorted.map((o) => {
    const ext = extensionOf(o)
    const d = dashboardOf(report, o)
    const inline =
      o.mediaType === 'image/png' &&
      (d?.report_type === 'pdf' ||
        (d?.report_type === 'png' && d.email_attachment_type === 'inline'))
    let base = stem
    if ((perExt.get(ext) ?? 0) > 1) {
      const own = sanitizeFileStem(o.filename.replace(/\.[^.]*$/, ''))
      base = own && own !== stem ? `${stem} - ${own}` : `${stem} ${o.index + 1}`
    }
    let filename = `${base}${ext}`
    for (let n = 2; used.has(filename.toLowerCase()); n++) filename = `${base} (${n})${ext}`
    used.add(filename.toLowerCase())
    return {
      output: o,
      filename,
      contentType: o.mediaType,
      disposition: inline ? 'inline' : 'attachment',
      cid: inline ? `output-${o.index}@herald` : undefined,
    }
  })
}

const MESSAGE_HTML: Parameters<typeof sanitizeHtml>[1] = {
  allowedTags: [
    ...['p', 'br', 'div', 'span', 'b', 'strong', 'i', 'em', 'u', 's', 'small', 'sub', 'sup'],
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'code', 'pre', 'hr', 'a'],
    ...['ul', 'ol', 'li', 'table', 'thead', 'tbody', 'tr', 'th', 'td'],
  ],
  // No style, no img, no src: nothing in the message may load remote content; links only.
  allowedAttributes: {
    // target and rel are always set by transformTags below, whatever the message said.
    a: ['href', 'title', 'target', 'rel'],
    td: ['colspan', 'rowspan'],
    th: ['colspan'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  transformTags: {
    a: (tagName, attribs) => ({
      tagName,
      attribs: { ...attribs, target: '_blank', rel: 'noopener noreferrer' },
    }),
  },
}

// Only real tags make a message HTML: "Revenue <all regions>" stays text and is escaped.
const TAG_NAMES = [
  ...['a', 'b', 'i', 'u', 's', 'p', 'br', 'hr', 'div', 'span', 'em', 'strong', 'small', 'sub'],
  ...['sup', 'h[1-6]', 'ul', 'ol', 'li', 'table', 'thead', 'tbody', 'tr', 'td', 'th', 'code'],
  ...['blockquote', 'pre', 'img', 'script', 'style', 'iframe', 'font', 'center', 'html', 'body'],
]
const HTML_TAG = new RegExp(`<(!--|/?(${TAG_NAMES.join('|')})\\b[^>]*>)`, 'i')
const looksLikeHtml = (s: string) => HTML_TAG.test(s)

function decodeEntities(s: string): string {
  const named: Record<string, string> = {
    amp: '&',
    lt: '<',
    gt: '>',
    quot: '"',
    apos: "'",
    nbsp: ' ',
  }
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const code =
        e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1))
      return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : m
    }
    return named[e.toLowerCase()] ?? m
  })
}

/** The report's message as safe HTML: plain text is escaped, HTML goes through the allowlist. */
export function messageHtml(message: string): string {
  const m = message.trim()
  if (!m) return ''
  if (!looksLikeHtml(m)) {
    return m
      .split(/\n\s*\n/)
      .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
      .join('\n')
  }
  return sanitizeHtml(m, MESSAGE_HTML)
}

/** The report's message as plain text, for the text/plain alternative. */
export function messageText(message: string): string {
  const m = message.trim()
  if (!looksLikeHtml(m)) return m
  const marked = m
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|h[1-6]|li|tr|blockquote|pre)>/gi, '\n')
    .replace(/<li[^>]*>/gi, '- ')
  const stripped = sanitizeHtml(marked, {
    allowedTags: [],
    allowedAttributes: {},
    disallowedTagsMode: 'discard',
  })
  return decodeEntities(stripped)
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

/**
 * Each distinct range of the run once, labelled exactly as the PDF and PNG header label it
 * (`rangeLabel`): a reader matches the email to the attachment at a glance.
 */
export function rangeLabels(parameters: Pick<DeliveryParameters, 'ranges' | 'timezone'>): string[] {
  const zone = parameters.timezone || 'UTC'
  const labels = new Set<string>()
  for (const r of parameters.ranges ?? []) {
    const from = Date.parse(r.from)
    const to = Date.parse(r.to)
    if (Number.isNaN(from) || Number.isNaN(to)) continue
    labels.add(rangeLabel(from, to, zone))
  }
  return [...labels]
}

function humanSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

export function expiryLabel(ms: number, zone: string): string {
  return timeLabel(ms, zone)
}

/**
 * The recipient-independent part of a report email. `linked` maps output indexes that are too
 * large to send to their signed download links.
 */
export function composeContent(
  ctx: MailContext,
  files: PlannedFile[],
  linked: Map<number, { url: string; expiresAtMs: number }>,
): MessageContent {
  const { report } = ctx
  const subject = subjectOf(report)
  const zone = ctx.parameters.timezone || 'UTC'
  const link = ctx.runLink.url
  const linkUntil = expiryLabel(ctx.runLink.expiresAtMs, zone)
  const ranges = rangeLabels(ctx.parameters)
  const sent = files.filter((f) => !linked.has(f.output.index))
  const asLinks: LinkedFile[] = files
    .filter((f) => linked.has(f.output.index))
    .map((f) => ({ file: f, ...linked.get(f.output.index)! }))
  const why =
    `You received this email because you are a recipient of the report “${subject}” ` +
    `(${report.name}) in the folder “${ctx.folderName}” of ${report.org}.`

  const html: string[] = []
  const text: string[] = []
  const msgHtml = messageHtml(report.message)
  const msgText = messageText(report.message)
  if (msgHtml) html.push(`<div>${msgHtml}</div>`)
  if (msgText) text.push(msgText, '')
  for (const f of sent.filter((x) => x.disposition === 'inline')) {
    html.push(
      `<p><img src="cid:${f.cid}" alt="${escapeHtml(f.filename)}" ` +
        `style="max-width:100%;height:auto;border:1px solid #ddd"></p>`,
    )
  }
  if (asLinks.length) {
    const until = expiryLabel(asLinks[0]!.expiresAtMs, zone)
    html.push(
      `<p>Too large to attach; download them until ${escapeHtml(until)}:</p><ul>`,
      ...asLinks.map(
        (l) =>
          `<li><a href="${escapeHtml(l.url)}">${escapeHtml(l.file.filename)}</a> ` +
          `(${humanSize(l.file.output.bytes.length)})</li>`,
      ),
      '</ul>',
    )
    text.push(`Too large to attach; download them until ${until}:`)
    for (const l of asLinks) {
      text.push(`- ${l.file.filename} (${humanSize(l.file.output.bytes.length)}): ${l.url}`)
    }
    text.push('')
  }
  for (const r of ranges) {
    html.push(`<p style="color:#444">Time range: ${escapeHtml(r)}</p>`)
    text.push(`Time range: ${r}`)
  }
  html.push(
    `<p><a href="${escapeHtml(link)}">View this run</a> ` +
      `<span style="color:#777">— the link works until ${escapeHtml(linkUntil)}</span></p>`,
  )
  text.push(`View this run: ${link}`, `(the link works until ${linkUntil})`, '', '--', why)
  html.push(
    '<hr style="border:none;border-top:1px solid #ddd">',
    `<p style="font-size:12px;color:#777">${escapeHtml(why)}</p>`,
  )

  return {
    subject,
    html:
      '<!doctype html><html><head><meta charset="utf-8"></head>' +
      '<body style="font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#222">' +
      `${html.join('\n')}</body></html>`,
    text: `${text.join('\n')}\n`,
    attachments: sent.map((f) => ({
      filename: f.filename,
      content: f.output.bytes,
      contentType: f.contentType,
      contentDisposition: f.disposition,
      cid: f.cid,
    })),
    linked: asLinks,
  }
}

export interface Envelope {
  from: string
  replyTo: string | undefined
  to: string
  messageId: string
  date: Date
  headers?: Record<string, string>
}

/** Mail options for one recipient: the content plus the headers that name them. */
export function mailFor(content: MessageContent, env: Envelope): MailComposerOptions {
  return {
    from: env.from,
    to: env.to,
    replyTo: env.replyTo,
    subject: content.subject,
    messageId: env.messageId,
    date: env.date,
    text: content.text,
    html: content.html,
    attachments: content.attachments,
    // Out-of-office replies to a report nobody typed are noise (RFC 3834).
    headers: { 'Auto-Submitted': 'auto-generated', ...env.headers },
    disableFileAccess: true,
    disableUrlAccess: true,
  }
}

/** The MIME message, exactly as it will be sent. */
export function buildMessage(mail: MailComposerOptions): Promise<Buffer> {
  return new MailComposer(mail).compile().build()
}
