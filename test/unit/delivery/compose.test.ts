import { describe, expect, it } from 'vitest'
import {
  messageHtml,
  messageIdFor,
  messageText,
  planFiles,
  type ReportForMail,
  rangeLabels,
  sanitizeFileStem,
} from '../../../src/delivery/compose.ts'
import { classifySendError } from '../../../src/delivery/deliver.ts'
import { LinkSigner } from '../../../src/delivery/links.ts'
import type { DeliveryOutput, DeliveryRow } from '../../../src/delivery/types.ts'
import { outcomeOf } from '../../../src/runs/outcome.ts'

const dash = (report_type: string, email_attachment_type = 'standard') => ({
  dashboard: 'd',
  folder: 'default',
  tabs: ['default'],
  variables: [],
  timerange: { type: 'relative', period: '1h', from: 0, to: 0 },
  report_type,
  email_attachment_type,
})

const report = (dashboards: unknown[], title = 'Ops / Weekly'): ReportForMail => ({
  id: 'r',
  org: 'o',
  name: 'ops',
  title,
  message: '',
  dashboards,
  imagePreview: true,
})

const out = (index: number, dashboard: number | null, mediaType: string, filename = 'f') =>
  ({ index, dashboard, mediaType, filename, bytes: Buffer.from('x') }) as DeliveryOutput

describe('planFiles', () => {
  it('attaches or inlines per the producing dashboard', () => {
    const plan = planFiles(report([dash('pdf'), dash('png', 'inline'), dash('png'), dash('csv')]), [
      out(0, 0, 'application/pdf'),
      out(1, 0, 'image/png', 'preview.png'),
      out(2, 1, 'image/png', 'inline.png'),
      out(3, 2, 'image/png', 'attached.png'),
      out(4, 3, 'text/csv', 'Revenue.csv'),
      out(5, 3, 'text/csv', 'Orders.csv'),
    ])
    expect(plan.map((p) => [p.filename, p.disposition, p.cid])).toEqual([
      ['Ops _ Weekly.pdf', 'attachment', undefined],
      ['Ops _ Weekly - preview.png', 'inline', 'output-1@herald'],
      ['Ops _ Weekly - inline.png', 'inline', 'output-2@herald'],
      ['Ops _ Weekly - attached.png', 'attachment', undefined],
      ['Ops _ Weekly - Revenue.csv', 'attachment', undefined],
      ['Ops _ Weekly - Orders.csv', 'attachment', undefined],
    ])
  })

  it('never inlines when it cannot tell which dashboard made an image', () => {
    const plan = planFiles(report([dash('pdf'), dash('png', 'inline')]), [
      out(0, null, 'image/png'),
    ])
    expect(plan[0]!.disposition).toBe('attachment')
    const single = planFiles(report([dash('png', 'inline')]), [out(0, null, 'image/png')])
    expect(single[0]!.disposition).toBe('inline')
  })

  it('names files from the sanitised title, without collisions', () => {
    expect(sanitizeFileStem('Révenue: Q1/Q2 ✓')).toBe('R_venue_ Q1_Q2 _')
    const plan = planFiles(report([dash('csv')], '¿¿'), [
      out(0, 0, 'text/csv', 'same.csv'),
      out(1, 0, 'text/csv', 'same.csv'),
    ])
    expect(plan.map((p) => p.filename)).toEqual(['__ - same.csv', '__ - same (2).csv'])
  })
})

describe('message bodies', () => {
  it('escapes plain text and keeps its paragraphs', () => {
    expect(messageHtml('Hi <all> & co\nline two\n\nNext')).toBe(
      '<p>Hi &lt;all&gt; &amp; co<br>line two</p>\n<p>Next</p>',
    )
    expect(messageText('Plain')).toBe('Plain')
  })

  it('keeps formatting and safe links; drops scripts, images, styles and handlers', () => {
    const html = messageHtml(
      '<h2 onclick="x()">Hi</h2><p style="background:url(https://t.example/p)">a<br>b</p>' +
        '<script>steal()</script><iframe src="https://e.example"></iframe>' +
        '<img src="https://t.example/p.png"><a href="javascript:alert(1)">x</a>' +
        '<a href="mailto:ops@example.com">mail</a><a href="//evil.example">rel</a>',
    )
    expect(html).toBe(
      '<h2>Hi</h2><p>a<br />b</p><a target="_blank" rel="noopener noreferrer">x</a>' +
        '<a href="mailto:ops@example.com" target="_blank" rel="noopener noreferrer">mail</a>' +
        '<a target="_blank" rel="noopener noreferrer">rel</a>',
    )
    expect(
      messageText('<p>Tom &amp; Jerry</p><ul><li>one</li><li>two</li></ul><script>x</script>'),
    ).toBe('Tom & Jerry\n- one\n- two')
  })

  it('shows each distinct time range once, in the report zone', () => {
    const r = { from: '2026-03-28T23:00:00.000Z', to: '2026-03-29T23:00:00.000Z' }
    expect(rangeLabels({ timezone: 'Europe/Berlin', ranges: [r, r] })).toEqual([
      '2026-03-29 00:00 – 2026-03-30 01:00 (Europe/Berlin)',
    ])
  })

  it('derives the Message-ID from run and recipient only', () => {
    expect(messageIdFor('run1', 'Ana@Example.com')).toBe(messageIdFor('run1', 'ana@example.com'))
    expect(messageIdFor('run1', 'ana@example.com')).not.toBe(
      messageIdFor('run2', 'ana@example.com'),
    )
    expect(messageIdFor('run1', 'ana@example.com')).toMatch(/^<run1\.[0-9a-f]{24}@herald>$/)
  })
})

describe('signed links', () => {
  const ref = { org: 'o', runId: 'r', index: 0 }
  const now = Date.parse('2026-01-01T00:00:00Z')

  it('verify only untampered, unexpired links signed with the same secret', () => {
    const signer = new LinkSigner('a'.repeat(32))
    const url = new URL(signer.url('http://h', ref, now + 60_000))
    const expires = url.searchParams.get('expires')!
    const sig = url.searchParams.get('sig')!
    expect(url.pathname).toBe('/dl/o/r/0')
    expect(signer.verify(ref, expires, sig, now)).toBe(true)
    expect(signer.verify(ref, expires, sig, now + 60_000)).toBe(false)
    expect(signer.verify({ ...ref, index: 1 }, expires, sig, now)).toBe(false)
    expect(signer.verify(ref, String(Number(expires) + 1), sig, now)).toBe(false)
    expect(signer.verify(ref, expires, `${sig}x`, now)).toBe(false)
    expect(signer.verify(ref, expires, undefined, now)).toBe(false)
    expect(new LinkSigner('b'.repeat(32)).verify(ref, expires, sig, now)).toBe(false)
  })
})

describe('send errors and run outcome', () => {
  it('treats 5xx replies as final and everything else as worth retrying', () => {
    const err = (props: object) => Object.assign(new Error('boom'), props)
    expect(classifySendError(err({ responseCode: 550, response: '550 5.1.1 no' }))).toEqual({
      permanent: true,
      message: '550 5.1.1 no',
    })
    expect(classifySendError(err({ responseCode: 421, response: '421 busy' })).permanent).toBe(
      false,
    )
    expect(classifySendError(err({ code: 'ESOCKET' })).permanent).toBe(false)
    expect(classifySendError(err({ code: 'EAUTH', responseCode: 535 })).permanent).toBe(false)
  })

  const row = (state: DeliveryRow['state'], extra: Partial<DeliveryRow> = {}): DeliveryRow => ({
    id: state,
    runId: 'r',
    channel: 'email',
    recipient: `${state}@x`,
    state,
    attempts: 1,
    messageId: null,
    lastError: state === 'failed' ? '550 no' : null,
    nextAttemptAt: null,
    leaseExpiresAt: null,
    possibleDuplicate: false,
    sentAt: null,
    ...extra,
  })

  it('is succeeded, partially failed, failed, or a retry at the earliest due time', () => {
    expect(outcomeOf([row('sent')], 0)).toEqual({ state: 'succeeded' })
    expect(outcomeOf([row('sent'), row('failed')], 0)).toEqual({
      state: 'partially_failed',
      error: '1 of 2 recipient(s) failed: failed@x: 550 no',
    })
    expect(outcomeOf([row('failed')], 0).state).toBe('failed')
    expect(
      outcomeOf(
        [
          row('pending', { nextAttemptAt: new Date(5000), lastError: '421 busy' }),
          row('sending', { leaseExpiresAt: new Date(3000) }),
          row('sent'),
        ],
        1000,
      ),
    ).toEqual({
      state: 'retry',
      retryAt: 3001,
      error: '2 of 3 recipient(s) waiting to retry: 421 busy',
    })
  })
})
