import { mkdir, rename, writeFile } from 'node:fs/promises'
import path from 'node:path'
import nodemailer from 'nodemailer'
import { parseSmtpUrl } from '../lib/smtp-url.ts'

/** A message already built (see compose.ts), with its SMTP envelope. */
export interface OutgoingMessage {
  /** Envelope sender (MAIL FROM). */
  from: string
  /** The one envelope recipient (RCPT TO): every recipient gets a message of their own. */
  to: string
  messageId: string
  raw: Buffer
}

export interface SendResult {
  /** The server's final reply (SMTP) or where the message was written (outbox). */
  response: string
}

/**
 * Where messages go. Built once per process from config and closed on stop; delivery code
 * depends on this interface only, so tests and the outbox share every other line.
 */
export interface Mailer {
  readonly kind: 'smtp' | 'outbox'
  /** For logs: the server or folder, never a password. */
  readonly target: string
  send(message: OutgoingMessage): Promise<SendResult>
  /** Checks the server answers (SMTP) or the folder is writable (outbox). */
  verify(): Promise<void>
  close(): Promise<void>
}

export interface MailerOptions {
  smtpUrl: string | undefined
  /** Where the outbox writes `.eml` files when there is no SMTP_URL. */
  outboxDir: string
  connectionTimeoutMs?: number
  socketTimeoutMs?: number
}

/** SMTP when a URL is configured, else the outbox a new user can open with any mail client. */
export function createMailer(o: MailerOptions): Mailer {
  return o.smtpUrl ? smtpMailer(o.smtpUrl, o) : outboxMailer(o.outboxDir)
}

function smtpMailer(url: string, o: MailerOptions): Mailer {
  const parsed = parseSmtpUrl(url)
  // config.ts refuses a bad URL at start; this guards callers that skip it.
  if (!parsed.settings) throw new Error(`Invalid SMTP_URL: ${parsed.problems.join('; ')}`)
  const s = parsed.settings
  const transport = nodemailer.createTransport({
    pool: true,
    host: s.host,
    port: s.port,
    secure: s.secure,
    requireTLS: s.requireTLS,
    auth: s.auth,
    tls: { rejectUnauthorized: s.rejectUnauthorized },
    maxConnections: s.maxConnections,
    maxMessages: 100,
    // A message whose connection drops mid-send is reported, not silently sent again: the
    // ledger decides about retries, so a resend is never hidden from it.
    maxRequeues: 0,
    connectionTimeout: o.connectionTimeoutMs ?? 10_000,
    greetingTimeout: o.connectionTimeoutMs ?? 10_000,
    socketTimeout: o.socketTimeoutMs ?? 60_000,
    disableFileAccess: true,
    disableUrlAccess: true,
  })
  return {
    kind: 'smtp',
    target:
      `${s.secure ? 'smtps' : 'smtp'}://${s.host}:${s.port}` +
      (s.requireTLS ? ' (STARTTLS required)' : ''),
    async send(m) {
      const info = await transport.sendMail({
        envelope: { from: m.from, to: [m.to] },
        raw: m.raw,
      })
      return { response: String(info.response ?? '') }
    },
    async verify() {
      await transport.verify()
    },
    async close() {
      transport.close()
    },
  }
}

/** A file name from a Message-ID: the same message always lands in the same file. */
export function outboxFileName(messageId: string): string {
  const core = messageId.replace(/^<|>$/g, '').replace(/[^A-Za-z0-9._-]/g, '_')
  return `${core.slice(0, 200)}.eml`
}

function outboxMailer(dir: string): Mailer {
  let ready: Promise<unknown> | undefined
  const ensureDir = () => {
    ready ??= mkdir(dir, { recursive: true }).catch((err) => {
      ready = undefined
      throw err
    })
    return ready
  }
  return {
    kind: 'outbox',
    target: dir,
    async send(m) {
      await ensureDir()
      const file = path.join(dir, outboxFileName(m.messageId))
      // Written whole then renamed, so a reader never sees half a message.
      const tmp = `${file}.${process.pid}.tmp`
      await writeFile(tmp, m.raw)
      await rename(tmp, file)
      return { response: `written to ${file}` }
    },
    async verify() {
      await ensureDir()
    },
    async close() {},
  }
}
