import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { simpleParser } from 'mailparser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/config.ts'
import { createMailer, type Mailer, messageIdFor } from '../../src/delivery/index.ts'
import { type Herald, startHerald } from '../../src/server.ts'
import { basic, createTestApp, type TestApp } from '../helpers/app.ts'
import { createTestDatabase, postgresUrl, type TestDatabase } from '../helpers/db.ts'
import { type DeliveryHarness, deliveryHarness, makePdf } from '../helpers/delivery.ts'
import { dashboardBody, makeDashboard, makeReport, reportBody } from '../helpers/factories.ts'
import { silent } from '../helpers/runs.ts'

const org = 'outbox'

const emlFiles = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .sort()

describe('outbox transport (no SMTP_URL)', () => {
  let t: TestApp
  let dir: string
  let mailer: Mailer
  let h: DeliveryHarness

  beforeAll(async () => {
    t = await createTestApp()
    dir = path.join(mkdtempSync(path.join(tmpdir(), 'herald-outbox-')), 'outbox')
    mailer = createMailer({ smtpUrl: undefined, outboxDir: dir })
    h = await deliveryHarness(t, mailer)
  })
  afterAll(async () => {
    await h.stop()
    await t.close()
    rmSync(path.dirname(dir), { recursive: true, force: true })
  })

  it('writes one .eml per recipient, read back with its attachment', async () => {
    expect(mailer.kind).toBe('outbox')
    const recipients = ['ana@example.com', 'bo@example.com']
    const dash = await makeDashboard(t, org)
    const id = await makeReport(t, org, dash, 'default', {
      title: 'Daily sales',
      destinations: recipients.map((email) => ({ email })),
    })
    const pdf = await makePdf(['Daily sales'])
    h.fixtures.set(id, [
      { dashboard: 0, mediaType: 'application/pdf', filename: 'sales.pdf', bytes: pdf },
    ])
    const res = await t.request('PUT', `/api/v2/${org}/reports/${id}/trigger?wait=10`)
    expect(res.status).toBe(200)

    const files = emlFiles(dir)
    expect(files).toHaveLength(2)
    const seen: string[] = []
    for (const f of files) {
      const mail = await simpleParser(readFileSync(path.join(dir, f)))
      const to = mail.to && !Array.isArray(mail.to) ? mail.to.value.map((a) => a.address) : []
      expect(to).toHaveLength(1)
      seen.push(to[0]!)
      expect(mail.messageId).toBe(messageIdFor(res.body.run_id, to[0]!))
      expect(mail.subject).toBe('Daily sales')
      expect(mail.attachments).toHaveLength(1)
      expect(mail.attachments[0]).toMatchObject({
        filename: 'Daily sales.pdf',
        contentType: 'application/pdf',
      })
      expect(mail.attachments[0]!.content.equals(pdf)).toBe(true)
    }
    expect(seen.sort()).toEqual(recipients)
    const run = await t.request('GET', `/api/v2/${org}/reports/${id}/runs/${res.body.run_id}`)
    expect(run.body.deliveries.map((d: { state: string }) => d.state)).toEqual(['sent', 'sent'])
  })
})

describe('a server started without SMTP_URL', () => {
  let dataDir: string
  let tdb: TestDatabase | undefined
  let herald: Herald

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'herald-server-'))
    tdb = postgresUrl ? await createTestDatabase() : undefined
    const config = parseConfig({
      DATA_DIR: dataDir,
      DATABASE_URL: tdb?.url,
      PORT: '0',
      HERALD_ROLES: 'api,worker',
      HERALD_ROOT_PASSWORD: 'root-password-123',
      HERALD_SEED_SAMPLE: 'false',
    })
    herald = await startHerald(config, { log: silent })
  })
  afterAll(async () => {
    await herald?.stop()
    await tdb?.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('renders a triggered report into one .eml per recipient in DATA_DIR/outbox', async () => {
    const api = async (method: string, p: string, body?: unknown) => {
      const res = await fetch(`http://127.0.0.1:${herald.port}${p}`, {
        method,
        headers: {
          authorization: basic('root@example.com', 'root-password-123'),
          'content-type': 'application/json',
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      return { status: res.status, body: (await res.json()) as Record<string, string> }
    }
    const dash = (await api('POST', `/api/v2/${org}/dashboards`, dashboardBody())).body.id!
    const recipients = ['ana@example.com', 'bo@example.com']
    const report = (
      await api(
        'POST',
        `/api/v2/${org}/reports`,
        reportBody(dash, {
          title: 'Server sent',
          destinations: recipients.map((email) => ({ email })),
        }),
      )
    ).body.id!
    const res = await api('PUT', `/api/v2/${org}/reports/${report}/trigger?wait=60`)
    expect(res.status, JSON.stringify(res.body)).toBe(200)

    const outbox = path.join(dataDir, 'outbox')
    const files = emlFiles(outbox)
    expect(files).toHaveLength(2)
    const seen: string[] = []
    for (const f of files) {
      const mail = await simpleParser(readFileSync(path.join(outbox, f)))
      const to = mail.to && !Array.isArray(mail.to) ? mail.to.value.map((a) => a.address!) : []
      expect(to).toHaveLength(1)
      seen.push(to[0]!)
      expect(mail.messageId).toBe(messageIdFor(res.body.run_id!, to[0]!))
      expect(mail.subject).toBe('Server sent')
      const [pdf] = mail.attachments
      expect(pdf).toMatchObject({ filename: 'Server sent.pdf', contentType: 'application/pdf' })
      expect(pdf!.content.subarray(0, 5).toString()).toBe('%PDF-')
    }
    expect(seen.sort()).toEqual(recipients)
  })
})
