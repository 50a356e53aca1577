import type { AddressInfo } from 'node:net'
import { type ParsedMail, simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'

export interface SinkMessage {
  from: string
  to: string[]
  raw: Buffer
  /** Parsed back with mailparser; `cid:` links are kept so tests can match them. */
  mail: ParsedMail
}

/**
 * A real SMTP server in the test process: it records every accepted message, can refuse chosen
 * recipients with a reply of our choosing, and can go down (connections refused) and come back
 * on the same port.
 */
export class SmtpSink {
  readonly messages: SinkMessage[] = []
  readonly logins: string[] = []
  /** Errors of client connections (resets), kept for inspection rather than thrown. */
  readonly connectionErrors: Error[] = []
  private readonly refused = new Map<string, { code: number; text: string }>()
  private server: SMTPServer | undefined
  private portNumber = 0

  get port(): number {
    return this.portNumber
  }

  get listening(): boolean {
    return this.server !== undefined
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.portNumber}`
  }

  /** Replies `code text` to RCPT TO for this address (550 by default: permanent). */
  refuse(address: string, code = 550, text = '5.1.1 Mailbox unavailable'): void {
    this.refused.set(address.toLowerCase(), { code, text })
  }

  accept(address: string): void {
    this.refused.delete(address.toLowerCase())
  }

  to(address: string): SinkMessage[] {
    return this.messages.filter((m) => m.to.includes(address.toLowerCase()))
  }

  private create(): SMTPServer {
    return new SMTPServer({
      disableReverseLookup: true,
      // Plain SMTP on loopback: no STARTTLS to negotiate against a self-signed certificate.
      disabledCommands: ['STARTTLS'],
      authOptional: true,
      allowInsecureAuth: true,
      logger: false,
      closeTimeout: 50,
      size: 200 * 1024 * 1024,
      onAuth: (auth, _session, cb) => {
        this.logins.push(`${auth.username}:${auth.password}`)
        cb(null, { user: auth.username })
      },
      onRcptTo: (address, _session, cb) => {
        const r = this.refused.get(address.address.toLowerCase())
        if (!r) return cb()
        const err = new Error(r.text) as Error & { responseCode: number }
        err.responseCode = r.code
        cb(err)
      },
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = []
        stream.on('data', (c: Buffer) => chunks.push(c))
        stream.on('end', () => {
          const raw = Buffer.concat(chunks)
          simpleParser(raw, { keepCidLinks: true })
            .then((mail) => {
              const from = session.envelope.mailFrom
              this.messages.push({
                from: from ? from.address : '',
                to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
                raw,
                mail,
              })
              cb()
            })
            .catch((err) => cb(err))
        })
      },
    })
  }

  async start(port = this.portNumber): Promise<void> {
    const server = this.create()
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, '127.0.0.1', () => resolve())
    })
    // A client that dies mid-session (the drills SIGKILL workers) resets its connection; the
    // server reports that as an 'error' event, which must not take the test process down.
    server.on('error', (err) => this.connectionErrors.push(err))
    this.portNumber = (server.server.address() as AddressInfo).port
    this.server = server
  }

  /** Stops listening and drops open connections: clients now get "connection refused". */
  async down(): Promise<void> {
    const server = this.server
    this.server = undefined
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  /** Listens again on the same port. */
  async up(): Promise<void> {
    await this.start(this.portNumber)
  }

  async close(): Promise<void> {
    await this.down()
  }
}
