import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { makeDashboard, makeFolder, makeReport, reportBody } from '../helpers/factories.ts'

const org = 'val'

describe('report validation', () => {
  let t: TestApp
  let dash: string

  beforeAll(async () => {
    t = await createTestApp()
    dash = await makeDashboard(t, org)
  })
  afterAll(() => t.close())

  async function rejects(overrides: Record<string, unknown>, field: string, message: RegExp) {
    const res = await t.request('POST', `/api/v2/${org}/reports`, {
      body: reportBody(dash, overrides),
    })
    expect(res.status, res.text).toBe(400)
    expect(res.body).toMatchObject({
      code: 400,
      error: 'validation_failed',
      trace_id: expect.any(String),
    })
    const f = res.body.fields.find((x: { name: string }) => x.name === field)
    expect(f, `no field error on ${field}: ${res.text}`).toBeDefined()
    expect(f.description).toMatch(message)
    return res
  }

  const dashboards = (extra: Record<string, unknown>) => [
    {
      folder: 'default',
      dashboard: '',
      tabs: ['default'],
      timerange: { type: 'relative', period: '30m', from: 0, to: 0 },
      ...extra,
    },
  ]

  it.each([
    ['', 'Report name is required'],
    [
      'has space',
      "Report name cannot contain ':', '#', '?', '&', '%', quotes and space characters",
    ],
    ['a:b', "cannot contain ':'"],
    ['a/b', "Report name cannot contain '/'"],
  ])('name %j', async (name, message) => {
    const res = await rejects({ name }, 'name', new RegExp(message.replace(/[()?]/g, '.')))
    expect(res.body.message).toContain(message)
  })

  it('email syntax', async () => {
    await rejects(
      { destinations: [{ email: 'ok@example.com' }, { email: 'not-an-email' }] },
      'destinations[1].email',
      /Invalid email address "not-an-email"/,
    )
  })

  it('IANA timezone', async () => {
    await rejects({ timezone: 'Mars/Olympus' }, 'timezone', /Mars\/Olympus/)
  })

  it('offset within ±14 h', async () => {
    await rejects({ timezone: '', timezoneOffset: 900 }, 'timezoneOffset', /14/)
  })

  it('interval ≥ 1', async () => {
    await rejects(
      { frequency: { type: 'days', interval: -2, cron: '' } },
      'frequency.interval',
      /./,
    )
  })

  it('cron parseable', async () => {
    await rejects(
      { frequency: { type: 'cron', interval: 1, cron: '0 0 99 * * *' } },
      'frequency.cron',
      /./,
    )
  })

  it('cron with no future fire', async () => {
    await rejects(
      { frequency: { type: 'cron', interval: 1, cron: '0 0 9 1 1 * 2001' } },
      'frequency.cron',
      /future/i,
    )
  })

  it('period syntax', async () => {
    const res = await t.request('POST', `/api/v2/${org}/reports`, {
      body: reportBody(dash, {
        dashboards: dashboards({
          dashboard: dash,
          timerange: { type: 'relative', period: '3 days', from: 0, to: 0 },
        }),
      }),
    })
    expect(res.status).toBe(400)
    expect(res.body.fields).toContainEqual({
      name: 'dashboards[0].timerange.period',
      description: expect.stringContaining('Invalid period "3 days"'),
    })
  })

  it('absolute range from < to', async () => {
    const res = await t.request('POST', `/api/v2/${org}/reports`, {
      body: reportBody(dash, {
        dashboards: dashboards({
          dashboard: dash,
          timerange: { type: 'absolute', period: '', from: 2e15, to: 1e15 },
        }),
      }),
    })
    expect(res.status).toBe(400)
    expect(res.body.fields[0]).toMatchObject({
      name: 'dashboards[0].timerange',
      description: expect.stringContaining('from < to'),
    })
  })

  it('pdf + inline refused', async () => {
    const res = await t.request('POST', `/api/v2/${org}/reports`, {
      body: reportBody(dash, {
        dashboards: dashboards({ dashboard: dash, email_attachment_type: 'inline' }),
      }),
    })
    expect(res.status).toBe(400)
    expect(res.body.message).toBe(
      'Inline attachment type is only supported for PNG reports, not PDF',
    )
  })

  it('png + inline accepted', async () => {
    const res = await t.request('POST', `/api/v2/${org}/reports`, {
      body: reportBody(dash, {
        dashboards: dashboards({
          dashboard: dash,
          report_type: 'png',
          email_attachment_type: 'inline',
        }),
      }),
    })
    expect(res.status).toBe(200)
  })

  it('once needs a start', async () => {
    await rejects(
      { frequency: { type: 'once', interval: 1, cron: '' }, start: 0 },
      'start',
      /start/,
    )
  })

  it('at least one dashboard', async () => {
    const res = await rejects({ dashboards: [] }, 'dashboards', /Atleast one dashboard is required/)
    expect(res.body.message).toBe('Atleast one dashboard is required')
  })

  it('referenced dashboard must exist (400 naming it)', async () => {
    const res = await t.request('POST', `/api/v2/${org}/reports`, {
      body: reportBody('2zzzzzzzzzzzzzzzzzzzzzzzzzz'),
    })
    expect(res.status).toBe(400)
    expect(res.body.fields).toContainEqual({
      name: 'dashboards[0].dashboard',
      description: 'Dashboard not found: 2zzzzzzzzzzzzzzzzzzzzzzzzzz',
    })
  })

  it('a dashboard of another org is not found', async () => {
    const foreign = await makeDashboard(t, 'other-org')
    const res = await t.request('POST', `/api/v2/${org}/reports`, { body: reportBody(foreign) })
    expect(res.status).toBe(400)
    expect(res.body.fields[0].description).toBe(`Dashboard not found: ${foreign}`)
  })

  it('referenced tab must exist', async () => {
    const res = await t.request('POST', `/api/v2/${org}/reports`, {
      body: reportBody(dash, { dashboards: dashboards({ dashboard: dash, tabs: ['nope'] }) }),
    })
    expect(res.status).toBe(400)
    expect(res.body.fields[0].description).toContain('Tab "nope" not found')
  })

  it('referenced folder must exist (400 naming it)', async () => {
    const res = await t.request('POST', `/api/v2/${org}/reports?folder=missing`, {
      body: reportBody(dash),
    })
    expect(res.status).toBe(400)
    expect(res.body.fields).toContainEqual({
      name: 'folder',
      description: 'Report folder not found: missing',
    })
  })

  it('org comes from the path, owner cannot be spoofed', async () => {
    const id = await makeReport(t, org, dash, 'default', {
      orgId: 'evil',
      owner: 'mallory@example.com',
    })
    const got = await t.request('GET', `/api/v2/${org}/reports/${id}`)
    expect(got.body).toMatchObject({ orgId: org, owner: 'root@herald.test' })
    expect((await t.request('GET', `/api/v2/evil/reports/${id}`)).status).toBe(404)
  })

  it('renaming into a taken name is a conflict', async () => {
    const folder = await makeFolder(t, org)
    const a = await makeReport(t, org, dash, folder, { name: 'alpha' })
    await makeReport(t, org, dash, folder, { name: 'beta' })
    const got = await t.request('GET', `/api/v2/${org}/reports/${a}`)
    const res = await t.request('PUT', `/api/v2/${org}/reports/${a}`, {
      body: { ...got.body, name: 'beta' },
    })
    expect(res.status).toBe(409)
    expect(res.body.message).toBe('Report already exists')
  })

  it('moving is all or nothing: an unknown id moves nothing', async () => {
    const src = await makeFolder(t, org)
    const dst = await makeFolder(t, org)
    const a = await makeReport(t, org, dash, src)
    const res = await t.request('PATCH', `/api/v2/${org}/reports/move`, {
      body: { report_ids: [a, '2zzzzzzzzzzzzzzzzzzzzzzzzzz'], dst_folder_id: dst },
    })
    expect(res.status).toBe(404)
    expect((await t.request('GET', `/api/v2/${org}/reports/${a}`)).body.folderId).toBe(src)
  })

  it('moving into a folder holding the same name is a conflict and moves nothing', async () => {
    const src = await makeFolder(t, org)
    const dst = await makeFolder(t, org)
    const a = await makeReport(t, org, dash, src, { name: 'same' })
    const b = await makeReport(t, org, dash, src, { name: 'other' })
    await makeReport(t, org, dash, dst, { name: 'same' })
    const res = await t.request('PATCH', `/api/v2/${org}/reports/move`, {
      body: { report_ids: [b, a], dst_folder_id: dst },
    })
    expect(res.status).toBe(409)
    expect((await t.request('GET', `/api/v2/${org}/reports/${b}`)).body.folderId).toBe(src)
  })

  it('name search escapes LIKE wildcards', async () => {
    await makeReport(t, org, dash, 'default', { name: 'x_100' })
    await makeReport(t, org, dash, 'default', { name: 'xa100' })
    const res = await t.request('GET', `/api/v2/${org}/reports?report_name_substring=x_1`)
    const names: string[] = res.body.map((r: { name: string }) => r.name)
    // Other tests' generated names may contain a literal "x_1" too; only these two matter.
    expect(names).toContain('x_100')
    expect(names).not.toContain('xa100')
  })
})
