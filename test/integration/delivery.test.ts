import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { reportRuns } from '../../src/db/schema/index.ts'
import { createMailer, type Mailer, messageIdFor } from '../../src/delivery/index.ts'
import { newId } from '../../src/lib/ids.ts'
import { OwnerAlerts } from '../../src/runs/owner-alerts.ts'
import { claimDeliveries, ensureDeliveries } from '../../src/runs/store/deliveries.ts'
import { createTestApp, PUBLIC_URL, ROOT_EMAIL, type TestApp } from '../helpers/app.ts'
import {
  type DeliveryHarness,
  deliveryHarness,
  FROM,
  makePdf,
  REPLY_TO,
  TINY_PNG,
} from '../helpers/delivery.ts'
import { makeDashboard, makeFolder, makeReport } from '../helpers/factories.ts'
import { runsOf } from '../helpers/runs.ts'
import { SmtpSink } from '../helpers/smtp-sink.ts'

const org = 'mail'
const T0 = Date.parse('2026-11-23T10:00:00Z')
const CSV = Buffer.from('day,revenue\n2026-11-22,1200\n2026-11-23,1350\n')

describe('email delivery over SMTP', () => {
  let t: TestApp
  let sink: SmtpSink
  let mailer: Mailer
  let h: DeliveryHarness
  let dashes: string[]
  let folder: string

  beforeAll(async () => {
    t = await createTestApp({ now: T0 })
    sink = new SmtpSink()
    await sink.start()
    mailer = createMailer({ smtpUrl: sink.url, outboxDir: '/nonexistent' })
    h = await deliveryHarness(t, mailer)
    dashes = [await makeDashboard(t, org), await makeDashboard(t, org), await makeDashboard(t, org)]
    folder = await makeFolder(t, org, 'Ops reports')
  })
  afterAll(async () => {
    await h.stop()
    await mailer.close()
    await sink.close()
    await t.close()
  })
  beforeEach(() => {
    sink.messages.length = 0
  })

  const dashboard = (i: number, extra: Record<string, unknown> = {}) => ({
    folder: 'default',
    dashboard: dashes[i],
    tabs: ['default'],
    variables: [],
    timerange: { type: 'relative', period: '30m', from: 0, to: 0 },
    report_type: 'pdf',
    email_attachment_type: 'standard',
    ...extra,
  })

  /** A report whose stand-in renderer stores one small PDF. */
  async function simpleReport(recipients: string[], extra: Record<string, unknown> = {}) {
    const id = await makeReport(t, org, dashes[0]!, folder, {
      destinations: recipients.map((email) => ({ email })),
      ...extra,
    })
    h.fixtures.set(id, [
      {
        dashboard: 0,
        mediaType: 'application/pdf',
        filename: 'r.pdf',
        bytes: await makePdf(['Revenue']),
      },
    ])
    return id
  }

  const runOf = (id: string, runId: string) =>
    t.request('GET', `/api/v2/${org}/reports/${id}/runs/${runId}`)

  it('sends one message per recipient: attachments, inline images, safe HTML', async () => {
    const recipients = ['ana@example.com', 'bo@example.com', 'cy@example.com']
    const id = await makeReport(t, org, dashes[0]!, folder, {
      name: 'weekly_ops',
      title: 'Weekly ops: EU/US',
      imagePreview: true,
      message:
        '<p>Hello <b>team</b>,</p><script>alert("x")</script>' +
        '<img src="https://tracker.example/pixel.png"><a href="javascript:alert(1)">bad</a> ' +
        '<a href="https://wiki.example/ops">runbook</a>' +
        '<style>body{background:url(https://x.example/a)}</style>',
      dashboards: [
        dashboard(0),
        dashboard(1, { report_type: 'png', email_attachment_type: 'inline' }),
        dashboard(2, { report_type: 'csv' }),
      ],
      destinations: recipients.map((email) => ({ email })),
    })
    const pdf = await makePdf(['Weekly ops', 'Revenue 1,350'])
    h.fixtures.set(id, [
      { dashboard: 0, mediaType: 'application/pdf', filename: 'weekly.pdf', bytes: pdf },
      { dashboard: 0, mediaType: 'image/png', filename: 'preview.png', bytes: TINY_PNG },
      { dashboard: 1, mediaType: 'image/png', filename: 'tab.png', bytes: TINY_PNG },
      { dashboard: 2, mediaType: 'text/csv', filename: 'Revenue.csv', bytes: CSV },
    ])

    const res = await t.request('PUT', `/api/v2/${org}/reports/${id}/trigger?wait=10`)
    expect(res.status).toBe(200)
    const runId = res.body.run_id as string

    expect(sink.messages).toHaveLength(3)
    for (const r of recipients) {
      const [m, more] = sink.to(r)
      expect(more).toBeUndefined()
      expect(m!.to).toEqual([r])
      const mail = m!.mail
      // Nobody sees anybody else's address.
      expect(m!.raw.toString('latin1')).not.toMatch(
        new RegExp(recipients.filter((x) => x !== r).join('|')),
      )
      expect(mail.subject).toBe('Weekly ops: EU/US')
      expect(mail.from?.text).toBe(`"Herald Reports" <reports@herald.test>`)
      expect(mail.replyTo?.value[0]?.address).toBe(REPLY_TO)
      expect(mail.messageId).toBe(messageIdFor(runId, r))
      expect(mail.headers.get('auto-submitted')).toBe('auto-generated')

      const byName = new Map(mail.attachments.map((a) => [a.filename, a]))
      const pdfPart = byName.get('Weekly ops_ EU_US.pdf')!
      expect(pdfPart.contentType).toBe('application/pdf')
      expect(pdfPart.content.subarray(0, 5).toString()).toBe('%PDF-')
      expect(pdfPart.content.equals(pdf)).toBe(true)
      const csvPart = byName.get('Weekly ops_ EU_US.csv')!
      expect(csvPart.contentType).toBe('text/csv')
      expect(csvPart.content.toString()).toBe(CSV.toString())
      const inline = mail.attachments.filter((a) => a.contentType === 'image/png')
      expect(inline).toHaveLength(2)
      const html = String(mail.html)
      for (const img of inline) {
        expect(img.contentDisposition).toBe('inline')
        expect(img.size).toBeGreaterThan(0)
        expect(html).toContain(`cid:${img.contentId!.replace(/^<|>$/g, '')}`)
      }

      // Sanitised: the message keeps its formatting and links, loses scripts and remote content.
      expect(html).toContain('<b>team</b>')
      expect(html).toContain('href="https://wiki.example/ops"')
      expect(html).not.toMatch(/<script|alert\(|tracker\.example|javascript:|x\.example|<style/i)
      expect(html).toContain(`${PUBLIC_URL}/dl/${org}/${runId}?expires=`)
      expect(html).toContain('in the folder “Ops reports”')
      expect(html).toContain('(weekly_ops)')
      // Triggered at 10:00 UTC with a 30 minute range, shown in the report's timezone.
      expect(html).toContain('2026-11-23 15:00 – 2026-11-23 15:30 (Asia/Kolkata)')
      expect(mail.text).toContain('Hello team,')
      expect(mail.text).not.toContain('alert(')
      expect(mail.text).toMatch(
        new RegExp(
          `View this run: ${PUBLIC_URL}/dl/${org}/${runId}\\?expires=\\d+&sig=[\\w-]+\\n\\(the link works until 2026-11-30 15:30 \\(Asia/Kolkata\\)\\)`,
        ),
      )
    }

    const run = await runOf(id, runId)
    expect(run.body.state).toBe('succeeded')
    expect(run.body.deliveries).toEqual(
      recipients.map((r) => ({
        recipient: r,
        state: 'sent',
        attempts: 1,
        message_id: messageIdFor(runId, r),
        error: null,
        sent_at: new Date(T0).toISOString(),
        possible_duplicate: false,
      })),
    )
  })

  it('fails a refused recipient with the reply; a retry re-sends to it alone', async () => {
    const bad = 'nobody@example.com'
    sink.refuse(bad, 550, '5.1.1 <nobody@example.com>: no such user here')
    const id = await simpleReport(['ana@example.com', bad, 'bo@example.com'])
    const res = await t.request('PUT', `/api/v2/${org}/reports/${id}/trigger?wait=10`)
    expect(res.status).toBe(500)
    expect(res.body.state).toBe('partially_failed')
    expect(res.body.message).toContain('1 of 3 recipient(s) failed: nobody@example.com: 550')
    const runId = res.body.run_id as string

    const run = await runOf(id, runId)
    const byRecipient = Object.fromEntries(
      run.body.deliveries.map((d: { recipient: string }) => [d.recipient, d]),
    )
    expect(byRecipient[bad]).toMatchObject({
      state: 'failed',
      attempts: 1,
      error: expect.stringContaining('550 5.1.1 <nobody@example.com>: no such user here'),
      sent_at: null,
    })
    expect(byRecipient['ana@example.com'].state).toBe('sent')
    expect(sink.messages.map((m) => m.to[0]).sort()).toEqual(['ana@example.com', 'bo@example.com'])

    // Re-sending needs the trigger permission.
    const viewer = await t.member(org, ['viewer'])
    const denied = await t.request('POST', `/api/v2/${org}/reports/${id}/runs/${runId}/retry`, {
      auth: viewer,
    })
    expect(denied.status).toBe(403)
    expect(denied.body.error).toBe('forbidden')

    sink.accept(bad)
    const retried = await t.request('POST', `/api/v2/${org}/reports/${id}/runs/${runId}/retry`)
    expect(retried.status).toBe(200)
    expect(retried.body).toMatchObject({ run_id: runId, state: 'queued', recipients: [bad] })
    await h.settle()

    expect(sink.messages.map((m) => m.to[0]).sort()).toEqual([
      'ana@example.com',
      'bo@example.com',
      bad,
    ])
    expect(sink.to(bad)[0]!.mail.messageId).toBe(messageIdFor(runId, bad))
    const after = await runOf(id, runId)
    expect(after.body).toMatchObject({ state: 'succeeded', attempt: 1, error: null })
    expect(after.body.deliveries.every((d: { state: string }) => d.state === 'sent')).toBe(true)

    const again = await t.request('POST', `/api/v2/${org}/reports/${id}/runs/${runId}/retry`)
    expect(again.status).toBe(409)
    expect(sink.messages).toHaveLength(3)
  })

  it('retries with backoff while the server is down, sends all once it is back', async () => {
    const recipients = ['ana@example.com', 'bo@example.com']
    const id = await simpleReport(recipients)
    await sink.down()
    try {
      const res = await t.request('PUT', `/api/v2/${org}/reports/${id}/trigger?wait=0`)
      const runId = res.body.run_id as string
      await h.settle()
      let [run] = await runsOf(t.tdb.database, id)
      // Waiting for its recipients is not a new attempt of the run.
      expect(run).toMatchObject({ state: 'queued', attempt: 1 })
      expect(run!.runAfter.getTime()).toBe(t.clock.now() + 30_000)
      let detail = await runOf(id, runId)
      for (const d of detail.body.deliveries) {
        expect(d).toMatchObject({ state: 'pending', attempts: 1, sent_at: null })
        expect(d.error).toMatch(/ECONNREFUSED|connect/i)
      }

      t.clock.advance(30_000)
      await h.settle()
      ;[run] = await runsOf(t.tdb.database, id)
      expect(run!.runAfter.getTime()).toBe(t.clock.now() + 120_000)
      detail = await runOf(id, runId)
      expect(detail.body.deliveries.map((d: { attempts: number }) => d.attempts)).toEqual([2, 2])

      await sink.up()
      // Nothing is sent before the backoff has passed.
      t.clock.advance(60_000)
      await h.settle()
      expect(sink.messages).toHaveLength(0)
      t.clock.advance(60_000)
      await h.settle()

      detail = await runOf(id, runId)
      expect(detail.body).toMatchObject({ state: 'succeeded', attempt: 1, error: null })
      expect(detail.body.deliveries.map((d: { state: string }) => d.state)).toEqual([
        'sent',
        'sent',
      ])
      expect(sink.messages.map((m) => m.to[0]).sort()).toEqual(recipients)
    } finally {
      if (!sink.listening) await sink.up()
    }
  })

  it('gives a recipient up after the last backoff step', async () => {
    const id = await simpleReport(['ana@example.com'])
    await sink.down()
    try {
      const res = await t.request('PUT', `/api/v2/${org}/reports/${id}/trigger?wait=0`)
      await h.settle()
      for (const step of h.deps.settings.backoffMs) {
        t.clock.advance(step)
        await h.settle()
      }
      const run = await runOf(id, res.body.run_id)
      expect(run.body.state).toBe('failed')
      expect(run.body.error).toMatch(/^Delivery failed for all 1 recipient\(s\): ana@example.com/)
      expect(run.body.deliveries[0]).toMatchObject({ state: 'failed', attempts: 5 })
      expect(run.body.deliveries[0].error).toMatch(/gave up after 5 attempts/)
    } finally {
      if (!sink.listening) await sink.up()
    }
  })

  it('sends big outputs as signed links; tampered or expired links are 403', async () => {
    const id = await makeReport(t, org, dashes[0]!, folder, {
      title: 'Big one',
      dashboards: [dashboard(0), dashboard(2, { report_type: 'csv' })],
      destinations: [{ email: 'ana@example.com' }],
    })
    const lines = Array.from({ length: 3000 }, (_, i) => `Row ${i}: ${'x'.repeat(40)}`)
    const big = await makePdf(lines, false)
    expect(big.length).toBeGreaterThan(150_000)
    h.fixtures.set(id, [
      { dashboard: 0, mediaType: 'application/pdf', filename: 'big.pdf', bytes: big },
      { dashboard: 1, mediaType: 'text/csv', filename: 'Revenue.csv', bytes: CSV },
    ])
    h.deps.settings.maxMessageBytes = 100_000
    let runId: string
    try {
      const res = await t.request('PUT', `/api/v2/${org}/reports/${id}/trigger?wait=10`)
      expect(res.status).toBe(200)
      runId = res.body.run_id
    } finally {
      h.deps.settings.maxMessageBytes = 10 * 1024 * 1024
    }

    const [m] = sink.to('ana@example.com')
    expect(m!.raw.length).toBeLessThan(100_000)
    // The small CSV still fits; the PDF became a link.
    expect(m!.mail.attachments.map((a) => a.filename)).toEqual(['Big one.csv'])
    const html = String(m!.mail.html)
    const href = /href="(http:\/\/herald\.test\/dl\/[^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, '&')
    expect(href).toMatch(new RegExp(`/dl/${org}/${runId}/0\\?expires=\\d+&sig=`))
    expect(m!.mail.text).toContain(href!)
    const path = href!.slice(PUBLIC_URL.length)

    // No credentials needed: the signature is the credential.
    const ok = await t.app.request(path)
    expect(ok.status).toBe(200)
    expect(ok.headers.get('content-type')).toBe('application/pdf')
    expect(Buffer.from(await ok.arrayBuffer()).equals(big)).toBe(true)

    const tampered = [
      path.replace(/sig=(.)/, (_, c) => `sig=${c === 'A' ? 'B' : 'A'}`),
      path.replace(`/${runId}/0?`, `/${runId}/1?`),
      path.replace(/expires=(\d+)/, (_, e) => `expires=${Number(e) + 3600}`),
      path.replace(`/dl/${org}/`, '/dl/other/'),
      path.replace(/&sig=.*$/, ''),
    ]
    for (const p of tampered) {
      const res = await t.request('GET', p, { auth: null })
      expect(res.status, p).toBe(403)
      expect(res.body).toMatchObject({ code: 403, error: 'forbidden' })
    }

    t.clock.advance(7 * 24 * 3600_000 + 1000)
    try {
      const expired = await t.request('GET', path, { auth: null })
      expect(expired.status).toBe(403)
      expect(expired.body.message).toMatch(/invalid or has expired/)
    } finally {
      t.clock.set(T0)
    }

    // The same file through the API needs a login and `get` on the report.
    const api = `/api/v2/${org}/reports/${id}/runs/${runId}/outputs/0`
    expect((await t.request('GET', api, { auth: null })).status).toBe(401)
    const viewer = await t.member(org, ['viewer'])
    const asViewer = await t.app.request(api, { headers: { authorization: viewer } })
    expect(asViewer.status).toBe(200)
    expect(asViewer.headers.get('content-disposition')).toContain('filename="big.pdf"')
    expect(Buffer.from(await asViewer.arrayBuffer()).equals(big)).toBe(true)
    expect((await t.request('GET', `${api.slice(0, -1)}9`)).status).toBe(404)
    expect((await t.request('GET', `${api.slice(0, -1)}x`)).status).toBe(400)
  })

  /** A request as a browser sends it: no credentials, HTML first. */
  const browse = (path: string) =>
    t.app.request(path, {
      headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' },
    })

  /** The run page link in a message's HTML, entities decoded. */
  const linkIn = (html: string, runId: string) => {
    const found = new RegExp(`href="(${PUBLIC_URL}/dl/${org}/${runId}\\?[^"]+)"`).exec(html)?.[1]
    expect(found, html).toBeDefined()
    return found!.replace(/&amp;/g, '&')
  }

  it('“View this run” opens the run’s page without credentials: title, range, state, files', async () => {
    const title = 'Ops <script>alert(1)</script> & “EU”'
    const id = await makeReport(t, org, dashes[0]!, folder, {
      title,
      dashboards: [dashboard(0), dashboard(2, { report_type: 'csv' })],
      destinations: [{ email: 'dee@example.com' }],
    })
    const pdf = await makePdf(['Revenue 1,350'])
    h.fixtures.set(id, [
      { dashboard: 0, mediaType: 'application/pdf', filename: 'weekly.pdf', bytes: pdf },
      { dashboard: 1, mediaType: 'text/csv', filename: 'Revenue.csv', bytes: CSV },
    ])
    const res = await t.request('PUT', `/api/v2/${org}/reports/${id}/trigger?wait=10`)
    expect(res.status, res.text).toBe(200)
    const runId = res.body.run_id as string
    const [m] = sink.to('dee@example.com')
    const link = linkIn(String(m!.mail.html), runId)
    expect(m!.mail.text).toContain(link)

    // As a browser opens it: no Authorization header.
    const page = await browse(link.slice(PUBLIC_URL.length))
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(page.headers.get('x-content-type-options')).toBe('nosniff')
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'")
    expect(page.headers.get('referrer-policy')).toBe('no-referrer')
    const html = await page.text()
    expect(html).toContain('<h1>Ops &lt;script&gt;alert(1)&lt;/script&gt; &amp; “EU”</h1>')
    expect(html).not.toMatch(/<script/i)
    expect(html).toContain('<dd>Succeeded</dd>')
    expect(html).toContain(
      '<dt>Time range</dt><dd>2026-11-23 15:00 – 2026-11-23 15:30 (Asia/Kolkata)</dd>',
    )
    expect(html).toContain('<dd>2026-11-23 15:30 (Asia/Kolkata)</dd>')
    // Every output, each behind a signed link that downloads it, again without credentials.
    const files = [...html.matchAll(/<a href="([^"]+)" download>([^<]+)<\/a>/g)].map((x) => ({
      url: x[1]!.replace(/&amp;/g, '&'),
      name: x[2],
    }))
    expect(files.map((f) => f.name)).toEqual(['weekly.pdf', 'Revenue.csv'])
    const got = await t.app.request(files[0]!.url.slice(PUBLIC_URL.length))
    expect(got.status).toBe(200)
    expect(got.headers.get('content-type')).toBe('application/pdf')
    expect(Buffer.from(await got.arrayBuffer()).equals(pdf)).toBe(true)
    const csv = await t.app.request(files[1]!.url.slice(PUBLIC_URL.length))
    expect(await csv.text()).toBe(CSV.toString())

    // Tampered: another run, another org, a forged expiry, a changed or missing signature.
    const path = link.slice(PUBLIC_URL.length)
    const other = (await t.request('PUT', `/api/v2/${org}/reports/${id}/trigger?wait=10`)).body
    for (const p of [
      path.replace(`/${runId}?`, `/${other.run_id}?`),
      path.replace(`/dl/${org}/`, '/dl/other/'),
      path.replace(/expires=(\d+)/, (_, e) => `expires=${Number(e) + 3600}`),
      path.replace(/sig=(.)/, (_, c) => `sig=${c === 'A' ? 'B' : 'A'}`),
      path.replace(/&sig=.*$/, ''),
      // An output link's signature does not open the page.
      `/dl/${org}/${runId}?${files[0]!.url.split('?')[1]}`,
    ]) {
      const refused = await browse(p)
      expect(refused.status, p).toBe(403)
      expect(refused.headers.get('content-type')).toBe('text/html; charset=utf-8')
      const body = await refused.text()
      expect(body).toContain('This link is not valid')
      expect(body).not.toContain('Ops &lt;script')
      // A script asking for anything gets the error envelope.
      const json = await t.request('GET', p, { auth: null })
      expect(json.status).toBe(403)
      expect(json.body).toMatchObject({ code: 403, error: 'forbidden' })
    }

    // Expired: a page that says so, and its file links expire with it.
    t.clock.advance(7 * 24 * 3600_000 + 1000)
    try {
      const gone = await browse(path)
      expect(gone.status).toBe(410)
      expect(await gone.text()).toContain('This link has expired')
      const json = await t.request('GET', path, { auth: null })
      expect(json.body).toMatchObject({ code: 410, error: 'gone' })
      expect((await t.app.request(files[0]!.url.slice(PUBLIC_URL.length))).status).toBe(403)
    } finally {
      t.clock.set(T0)
    }

    // The report deleted: the genuine link finds nothing.
    expect((await t.request('DELETE', `/api/v2/${org}/reports/${id}`)).status).toBe(200)
    const deleted = await browse(path)
    expect(deleted.status).toBe(404)
    expect(await deleted.text()).toContain('This run no longer exists')
  })

  it('a dry run composes and records the messages but sends nothing', async () => {
    const id = await simpleReport(['ana@example.com', 'bo@example.com'], { title: 'Dry' })
    const res = await t.request('PUT', `/api/v2/${org}/reports/${id}/trigger?wait=10`, {
      body: { dry_run: true },
    })
    expect(res.status).toBe(200)
    expect(sink.messages).toHaveLength(0)
    const run = await runOf(id, res.body.run_id)
    expect(run.body.deliveries).toEqual([])
    expect(run.body.parameters.dry_run).toBe(true)
    expect(run.body.parameters.dry_run_result).toMatchObject({
      subject: 'Dry',
      from: FROM,
      reply_to: REPLY_TO,
      size: expect.any(Number),
      files: [{ filename: 'Dry.pdf', media_type: 'application/pdf', disposition: 'attachment' }],
      recipients: [
        {
          recipient: 'ana@example.com',
          message_id: messageIdFor(res.body.run_id, 'ana@example.com'),
        },
        {
          recipient: 'bo@example.com',
          message_id: messageIdFor(res.body.run_id, 'bo@example.com'),
        },
      ],
    })
  })

  it('destinations from the trigger replace the report’s recipients for that run', async () => {
    const id = await simpleReport(['ana@example.com', 'bo@example.com'])
    const res = await t.request('PUT', `/api/v2/${org}/reports/${id}/trigger?wait=10`, {
      body: { destinations: ['ci@example.com', { email: 'CI@example.com' }] },
    })
    expect(res.status).toBe(200)
    expect(sink.messages.map((m) => m.to)).toEqual([['ci@example.com']])
    const run = await runOf(id, res.body.run_id)
    expect(run.body.deliveries.map((d: { recipient: string }) => d.recipient)).toEqual([
      'ci@example.com',
    ])
  })

  it('resends a crashed send only after its lease, flagged possible_duplicate', async () => {
    const id = await simpleReport(['ana@example.com', 'bo@example.com'])
    await h.worker.stop(100)
    try {
      const res = await t.request('PUT', `/api/v2/${org}/reports/${id}/trigger?wait=0`)
      const runId = res.body.run_id as string
      // Another process claimed ana's row, then died before recording the outcome.
      const rows = await ensureDeliveries(t.tdb.database, runId, [
        'ana@example.com',
        'bo@example.com',
      ])
      const ana = rows.find((r) => r.recipient === 'ana@example.com')!
      expect(await claimDeliveries(t.tdb.database, [ana.id], t.clock.now(), 300_000)).toHaveLength(
        1,
      )

      await h.worker.start()
      await h.settle()
      expect(sink.messages.map((m) => m.to[0])).toEqual(['bo@example.com'])
      let [run] = await runsOf(t.tdb.database, id)
      expect(run).toMatchObject({ state: 'queued', attempt: 1 })
      expect(run!.runAfter.getTime()).toBe(t.clock.now() + 300_001)

      t.clock.advance(300_001)
      await h.settle()
      ;[run] = await runsOf(t.tdb.database, id)
      expect(run!.state).toBe('succeeded')
      expect(sink.to('ana@example.com')[0]!.mail.messageId).toBe(
        messageIdFor(runId, 'ana@example.com'),
      )
      const detail = await runOf(id, runId)
      expect(detail.body.deliveries).toMatchObject([
        { recipient: 'ana@example.com', state: 'sent', attempts: 2, possible_duplicate: true },
        { recipient: 'bo@example.com', state: 'sent', attempts: 1, possible_duplicate: false },
      ])
    } finally {
      t.clock.set(T0)
    }
  })

  it('mails the owner once per report per day when a scheduled run fails', async () => {
    const alerts = new OwnerAlerts(h.deps)
    await alerts.start()
    try {
      const bad = 'gone@example.com'
      sink.refuse(bad, 554, '5.7.1 Rejected')
      const id = await simpleReport([bad], { title: 'Nightly' })
      const schedule = async (at: number) => {
        const now = new Date(at)
        await t.tdb.database.db.insert(reportRuns).values({
          id: newId(),
          org,
          reportId: id,
          trigger: 'schedule',
          state: 'queued',
          scheduledFor: now,
          runAfter: now,
          createdAt: now,
          updatedAt: now,
        })
        await h.settle()
      }
      const alertsTo = () => sink.to(ROOT_EMAIL)
      // The failed run's notice or the sweep, whichever comes first, sends the alert; never both.
      const settle = async () => {
        await alerts.idle()
        await alerts.sweep()
        await alerts.idle()
      }
      await schedule(t.clock.now())
      await settle()
      expect(alertsTo()).toHaveLength(1)
      const [alert] = alertsTo()
      expect(alert!.mail.subject).toBe('Report “Nightly” failed')
      expect(alert!.mail.text).toContain('5.7.1 Rejected')
      // The owner's link opens the run's page too, without signing in.
      const [failed] = await runsOf(t.tdb.database, id)
      const alertLink = linkIn(String(alert!.mail.html), failed!.id)
      expect(alert!.mail.text).toContain(alertLink)
      const alertPage = await browse(alertLink.slice(PUBLIC_URL.length))
      expect(alertPage.status).toBe(200)
      expect(await alertPage.text()).toContain('<dd>Failed</dd>')

      // A second failure the same day: no second alert, even from another process.
      t.clock.advance(3600_000)
      await schedule(t.clock.now())
      const other = new OwnerAlerts(h.deps)
      expect(await other.sweep()).toBe(0)
      expect(await alerts.sweep()).toBe(0)
      expect(alertsTo()).toHaveLength(1)

      // A manual run failing is the caller's to see; it alerts nobody.
      t.clock.advance(24 * 3600_000)
      const manual = await t.request('PUT', `/api/v2/${org}/reports/${id}/trigger?wait=10`)
      expect(manual.body.state).toBe('failed')
      await alerts.idle()
      expect(await alerts.sweep()).toBe(0)
      expect(alertsTo()).toHaveLength(1)

      // The next day's scheduled failure alerts again.
      await schedule(t.clock.now())
      await settle()
      expect(alertsTo()).toHaveLength(2)
      expect(sink.messages.filter((m) => m.to.includes(bad))).toHaveLength(0)
    } finally {
      await alerts.stop()
      t.clock.set(T0)
    }
  })
  it('mails the owner when a scheduled run reaches some recipients but not all', async () => {
    const alerts = new OwnerAlerts(h.deps)
    await alerts.start()
    try {
      const bad = 'bounced@example.com'
      sink.refuse(bad, 550, '5.1.1 No such user')
      const id = await simpleReport(['kept@example.com', bad], { title: 'Half' })
      const now = new Date(t.clock.now())
      await t.tdb.database.db.insert(reportRuns).values({
        id: newId(),
        org,
        reportId: id,
        trigger: 'schedule',
        state: 'queued',
        scheduledFor: now,
        runAfter: now,
        createdAt: now,
        updatedAt: now,
      })
      await h.settle()
      const [run] = await runsOf(t.tdb.database, id)
      expect(run!.state).toBe('partially_failed')
      await alerts.idle()
      await alerts.sweep()
      await alerts.idle()
      const sent = sink.to(ROOT_EMAIL).filter((m) => m.mail.subject?.includes('Half'))
      expect(sent).toHaveLength(1)
      expect(sent[0]!.mail.subject).toBe('Report “Half” failed for some recipients')
      expect(sent[0]!.mail.text).toContain('5.1.1 No such user')
      expect(sink.to('kept@example.com')).toHaveLength(1)
    } finally {
      await alerts.stop()
    }
  })
})

describe('SMTP transport settings', () => {
  let sink: SmtpSink
  beforeAll(async () => {
    sink = new SmtpSink()
    await sink.start()
  })
  afterAll(() => sink.close())

  const message = (to: string) => ({
    from: 'herald@herald.test',
    to,
    messageId: '<m@herald>',
    raw: Buffer.from(`From: herald@herald.test\r\nTo: ${to}\r\nSubject: hi\r\n\r\nhello\r\n`),
  })

  it('logs in with the credentials in the URL', async () => {
    const mailer = createMailer({
      smtpUrl: `smtp://report%40bot:p%40ss%3Aword@127.0.0.1:${sink.port}`,
      outboxDir: '/nonexistent',
    })
    try {
      await mailer.verify()
      await mailer.send(message('ana@example.com'))
      expect(sink.logins).toContain('report@bot:p@ss:word')
      expect(sink.to('ana@example.com')).toHaveLength(1)
    } finally {
      await mailer.close()
    }
  })

  it('refuses to send in clear when the URL requires STARTTLS', async () => {
    const mailer = createMailer({
      smtpUrl: `smtp://127.0.0.1:${sink.port}?requireTLS=true`,
      outboxDir: '/nonexistent',
    })
    try {
      await expect(mailer.send(message('bo@example.com'))).rejects.toThrow(/STARTTLS/i)
      expect(sink.to('bo@example.com')).toHaveLength(0)
    } finally {
      await mailer.close()
    }
  })
})
