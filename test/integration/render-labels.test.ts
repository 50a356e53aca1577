import { PDFParse } from 'pdf-parse'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedSampleDashboard } from '../../src/dashboards/seed-sample.ts'
import { SampleDatabase } from '../../src/datasources/sample.ts'
import {
  createMailer,
  DEFAULT_BACKOFF_MS,
  type DeliveryDeps,
  deliverRun,
  LinkSigner,
  type Mailer,
} from '../../src/delivery/index.ts'
import { ReportExecutor } from '../../src/runs/report-executor.ts'
import { deliveryLedger } from '../../src/runs/store/deliveries.ts'
import type { Worker } from '../../src/runs/worker.ts'
import { createTestApp, PUBLIC_URL, TEST_SECRET, type TestApp } from '../helpers/app.ts'
import { FROM } from '../helpers/delivery.ts'
import { makeReport } from '../helpers/factories.ts'
import { silent, worker } from '../helpers/runs.ts'
import { SmtpSink } from '../helpers/smtp-sink.ts'

const org = 'default'
const T0 = Date.parse('2026-11-23T10:00:00Z')
const ZONE = 'Asia/Kolkata'

/** Page one's header: the title, then tab · range and generated-at. */
async function headerOf(pdf: Buffer): Promise<string[]> {
  const parser = new PDFParse({ data: new Uint8Array(pdf) })
  try {
    const [first] = (await parser.getText()).pages
    return first!.text.split('\n').slice(0, 2)
  } finally {
    await parser.destroy()
  }
}

/**
 * A real run end to end (the executor renders, delivery mails it over SMTP) beside the dashboard
 * preview: the same render function draws both, and every place a reader sees the time range
 * labels it the same way.
 */
describe('one render, one range label', () => {
  const sample = new SampleDatabase({ clock: { now: () => T0 }, log: silent })
  let t: TestApp
  let sink: SmtpSink
  let mailer: Mailer
  let w: Worker
  let dash: string

  beforeAll(async () => {
    t = await createTestApp({ now: T0, sample })
    dash = (await seedSampleDashboard(t.tdb.database, t.clock, silent))!
    await sample.exec('SELECT 1')
    sink = new SmtpSink()
    await sink.start()
    mailer = createMailer({ smtpUrl: sink.url, outboxDir: '/nonexistent' })
    const delivery: DeliveryDeps = {
      database: t.tdb.database,
      clock: t.clock,
      log: silent,
      mailer,
      ledger: deliveryLedger(t.tdb.database),
      links: new LinkSigner(TEST_SECRET),
      settings: {
        from: FROM,
        replyTo: undefined,
        publicUrl: PUBLIC_URL,
        maxMessageBytes: 10 * 1024 * 1024,
        linkTtlMs: 7 * 24 * 3600_000,
        backoffMs: DEFAULT_BACKOFF_MS,
        sendLeaseMs: 5 * 60_000,
        concurrency: 2,
      },
    }
    const executor = new ReportExecutor({
      database: t.tdb.database,
      datasources: t.datasources,
      renderer: t.renderer,
      clock: t.clock,
      deliver: (input, log) => deliverRun({ ...delivery, log }, input),
    })
    w = worker(t.tdb.database, t.clock, executor)
    await w.start()
  })
  afterAll(async () => {
    await w?.stop(1000)
    await mailer?.close()
    await sink?.close()
    await t?.close()
    await sample.close()
  })

  it('the PDF header and the email show the same range label; the preview draws the same header', async () => {
    const id = await makeReport(t, org, dash, 'default', {
      title: 'Sales weekly',
      timezone: ZONE,
      enabled: false,
      destinations: [{ email: 'ana@example.com' }],
      dashboards: [
        {
          folder: 'default',
          dashboard: dash,
          tabs: ['default'],
          variables: [],
          timerange: { type: 'relative', period: '7d', from: 0, to: 0 },
          report_type: 'pdf',
          email_attachment_type: 'standard',
        },
      ],
    })
    const res = await t.request('PUT', `/api/v2/${org}/reports/${id}/trigger?wait=60`)
    expect(res.status, res.text).toBe(200)
    const [mail] = sink.to('ana@example.com')
    const label = '2026-11-16 15:30 – 2026-11-23 15:30 (Asia/Kolkata)'
    expect(mail!.mail.text).toContain(`Time range: ${label}\n`)
    const pdf = mail!.mail.attachments.find((a) => a.contentType === 'application/pdf')!
    const header = await headerOf(pdf.content)
    expect(header[0]).toBe('Sample sales')
    expect(header[1]).toContain(label)

    // The preview of the same dashboard for the same range, at the same moment.
    const preview = await t.app.request(
      `/api/v2/${org}/dashboards/${dash}/render?format=pdf&period=7d&timezone=${ZONE}`,
      { method: 'POST', headers: { authorization: t.root } },
    )
    expect(preview.status).toBe(200)
    expect(await headerOf(Buffer.from(await preview.arrayBuffer()))).toEqual(header)
  })
})
