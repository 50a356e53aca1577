import { describe, expect, it } from 'vitest'
import { ConfigError, parseConfig } from '../../../src/config.ts'
import { parseSmtpUrl } from '../../../src/lib/smtp-url.ts'

function problems(env: Record<string, string>): string[] {
  try {
    parseConfig(env)
  } catch (err) {
    if (err instanceof ConfigError) return err.problems
    throw err
  }
  return []
}

describe('SMTP_URL', () => {
  it('reads host, port, TLS mode and credentials', () => {
    expect(parseSmtpUrl('smtp://mail.example.com').settings).toEqual({
      host: 'mail.example.com',
      port: 25,
      secure: false,
      requireTLS: false,
      auth: undefined,
      maxConnections: 5,
      rejectUnauthorized: true,
    })
    expect(
      parseSmtpUrl('smtp://bot%40example.com:p%3Ass@mail.example.com:587/?requireTLS=true')
        .settings,
    ).toMatchObject({
      port: 587,
      secure: false,
      requireTLS: true,
      auth: { user: 'bot@example.com', pass: 'p:ss' },
    })
    expect(parseSmtpUrl('smtps://mail.example.com?maxConnections=2').settings).toMatchObject({
      port: 465,
      secure: true,
      maxConnections: 2,
    })
    expect(parseSmtpUrl('smtp://relay.lan?rejectUnauthorized=false').settings).toMatchObject({
      rejectUnauthorized: false,
    })
  })

  it('names every mistake', () => {
    expect(parseSmtpUrl('smtps://mail.example.com?requireTLS=true').problems).toEqual([
      'requireTLS is for STARTTLS on smtp://; smtps:// is always encrypted',
    ])
    expect(
      parseSmtpUrl('smtp://mail.example.com?requireTls=yes&maxConnections=0').problems,
    ).toEqual([
      'unknown parameter "requireTls" (known: requireTLS, maxConnections, rejectUnauthorized)',
      'maxConnections must be an integer from 1 to 50',
    ])
    expect(parseSmtpUrl('smtp://mail.example.com/inbox').problems).toEqual([
      'unexpected path "/inbox"',
    ])
    expect(parseSmtpUrl('not a url').problems).toHaveLength(1)
  })

  it('is checked when the configuration is read, not at the first send', () => {
    expect(problems({ SMTP_URL: 'http://mail.example.com' })).toEqual([
      'SMTP_URL: expected an smtp:// or smtps:// URL',
    ])
    expect(problems({ SMTP_URL: 'smtp://m.example.com?requireTLS=maybe' })).toEqual([
      'SMTP_URL: requireTLS must be true or false, not "maybe"',
    ])
    expect(problems({ SMTP_FROM: 'not an address' })[0]).toMatch(/^SMTP_FROM: expected one address/)
    expect(problems({ SMTP_REPLY_TO: 'a@example.com, b@example.com' })[0]).toMatch(
      /^SMTP_REPLY_TO: /,
    )
    const ok = parseConfig({
      SMTP_URL: 'smtp://u:p@mail.example.com:587?requireTLS=true',
      SMTP_FROM: 'Reports <reports@example.com>',
      SMTP_REPLY_TO: 'ops@example.com',
    })
    expect(ok).toMatchObject({
      smtpFrom: 'Reports <reports@example.com>',
      smtpReplyTo: 'ops@example.com',
    })
    expect(parseConfig({}).smtpFrom).toBe('Herald <herald@localhost>')
    expect(parseConfig({}).smtpUrl).toBeUndefined()
  })
})
