import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { makeDashboard, reportBody } from '../helpers/factories.ts'

/** OpenObserve's web client, replayed (reference §8.11), checking statuses and bodies. */
describe('OpenObserve web-client sequence', () => {
  let t: TestApp
  let dashboardId: string
  const org = 'acme'

  beforeAll(async () => {
    t = await createTestApp()
    dashboardId = await makeDashboard(t, org)
  })
  afterAll(() => t.close())

  it('runs create → list → get → update+move → enable → move back → delete', async () => {
    // 1. Create a report folder.
    const folder = await t.request('POST', `/api/v2/${org}/folders/reports`, {
      body: { name: 'Ops reports', description: '' },
      headers: { 'content-type': 'application/json; charset=UTF-8' },
    })
    expect(folder.status).toBe(200)
    expect(folder.body).toEqual({
      folderId: expect.any(String),
      name: 'Ops reports',
      description: '',
    })
    const F = folder.body.folderId as string

    const folders = await t.request('GET', `/api/v2/${org}/folders/reports`)
    expect(folders.body.list.map((f: { name: string }) => f.name)).toEqual([
      'default',
      'Ops reports',
    ])

    // 2. Create a report in it; the id comes back (OpenObserve omits it).
    const body = reportBody(dashboardId, { name: 'weekly_ops' })
    const created = await t.request('POST', `/api/v2/${org}/reports?folder=${F}`, { body })
    expect(created.status).toBe(200)
    expect(created.body).toEqual({
      code: 200,
      message: 'Report saved',
      id: expect.stringMatching(/^[0-9A-Za-z]{27}$/),
    })
    const id = created.body.id as string

    // Same name in the same folder is a conflict; in another folder it is fine.
    const dup = await t.request('POST', `/api/v2/${org}/reports?folder=${F}`, { body })
    expect(dup.status).toBe(409)
    expect(dup.body).toMatchObject({
      code: 409,
      message: 'Report already exists',
      error: 'conflict',
    })
    const other = await t.request('POST', `/api/v2/${org}/reports?folder=default`, { body })
    expect(other.status).toBe(200)

    // 3. List by folder with cache=false.
    const list = await t.request('GET', `/api/v2/${org}/reports?folder=${F}&cache=false`)
    expect(list.status).toBe(200)
    expect(list.body).toHaveLength(1)
    expect(list.body[0]).toMatchObject({
      report_id: id,
      folder_id: F,
      folder_name: 'Ops reports',
      name: 'weekly_ops',
      owner: expect.stringContaining('@'),
      description: null,
      enabled: true,
      org_id: org,
      last_triggered_at: 0,
      frequency: { interval: 1, cron: '', type: 'weeks', align_time: true },
      dashboards: [{ dashboard: dashboardId, folder: 'default', tabs: ['default'] }],
      title: 'Weekly ops',
      destinations: [{ email: 'ops@example.com' }, { email: 'cto@example.com' }],
      timezone: 'Asia/Kolkata',
    })
    const cached = await t.request('GET', `/api/v2/${org}/reports?folder=${F}&cache=true`)
    expect(cached.body).toEqual([])

    // 4. Get by id: the Report object round-trips, with id, folder and the server's fields.
    const got = await t.request('GET', `/api/v2/${org}/reports/${id}`)
    expect(got.status).toBe(200)
    expect(Object.keys(got.body).slice(0, 17)).toEqual([
      'name',
      'title',
      'orgId',
      'frequency',
      'start',
      'dashboards',
      'destinations',
      'description',
      'message',
      'enabled',
      'imagePreview',
      'timezone',
      'timezoneOffset',
      'createdAt',
      'updatedAt',
      'owner',
      'lastEditedBy',
    ])
    expect(got.body).toMatchObject({
      name: 'weekly_ops',
      orgId: org,
      start: body.start,
      id,
      folderId: F,
      owner: 'root@herald.test', // the body's owner is not trusted
      lastEditedBy: 'root@herald.test',
      createdAt: expect.stringMatching(/\+00:00$/),
      dashboards: [
        {
          dashboard: dashboardId,
          folder: 'default',
          tabs: ['default'],
          variables: [],
          timerange: { type: 'relative', period: '30m', from: 0, to: 0 },
          report_type: 'pdf',
          email_attachment_type: 'standard',
        },
      ],
    })
    expect(got.body.nextRunAt).toBe(body.start)

    // 5. Update with ?folder= moves it in the same call.
    const updated = await t.request('PUT', `/api/v2/${org}/reports/${id}?folder=default`, {
      body: { ...got.body, title: 'Weekly ops v2', name: 'weekly_ops_2' },
    })
    expect(updated.status).toBe(200)
    expect(updated.body).toEqual({ code: 200, message: 'Report updated' })
    const moved = await t.request('GET', `/api/v2/${org}/reports/${id}`)
    expect(moved.body).toMatchObject({ folderId: 'default', title: 'Weekly ops v2' })

    // 6. Enable false / true.
    const off = await t.request('PATCH', `/api/v2/${org}/reports/${id}/enable?value=false`)
    expect(off.body).toEqual({ enabled: false })
    expect((await t.request('GET', `/api/v2/${org}/reports/${id}`)).body.enabled).toBe(false)
    const on = await t.request('PATCH', `/api/v2/${org}/reports/${id}/enable?value=true`)
    expect(on.body).toEqual({ enabled: true })
    // OpenObserve: no value means false. Its clients send a bare PATCH to switch a report off.
    const bare = await t.request('PATCH', `/api/v2/${org}/reports/${id}/enable`)
    expect(bare.body).toEqual({ enabled: false })
    expect((await t.request('GET', `/api/v2/${org}/reports/${id}`)).body.enabled).toBe(false)
    await t.request('PATCH', `/api/v2/${org}/reports/${id}/enable?value=true`)

    // 7. Move back with PATCH /move.
    const back = await t.request('PATCH', `/api/v2/${org}/reports/move?folder=default`, {
      body: { report_ids: [id], dst_folder_id: F },
    })
    expect(back.status).toBe(200)
    expect(back.body).toEqual({ code: 200, message: 'Report moved' })

    // 8. The non-empty folder cannot be deleted.
    const refused = await t.request('DELETE', `/api/v2/${org}/folders/reports/${F}`)
    expect(refused.status).toBe(409)
    expect(refused.body).toMatchObject({
      message: 'Folder contains reports, please move/delete reports from folder',
      error: 'conflict',
    })

    // 9. Bulk delete with one unknown id: both successful.
    const bulk = await t.request('DELETE', `/api/v2/${org}/reports/bulk`, {
      body: { ids: [id, '2xKnonexistent0000000000000'] },
    })
    expect(bulk.status).toBe(200)
    expect(bulk.body).toMatchObject({
      successful: [id, '2xKnonexistent0000000000000'],
      unsuccessful: [],
      err: null,
    })

    // 10. The deleted id is gone; the folder can now be deleted.
    const gone = await t.request('GET', `/api/v2/${org}/reports/${id}`)
    expect(gone.status).toBe(404)
    expect(gone.body).toMatchObject({ code: 404, message: 'Report not found', error: 'not_found' })
    const del = await t.request('DELETE', `/api/v2/${org}/folders/reports/${F}`)
    expect(del.status).toBe(200)
    expect(del.body).toEqual({ code: 200, message: 'Folder deleted' })
  })
})

describe('v1 name-keyed API', () => {
  let t: TestApp
  let dashboardId: string
  const org = 'legacy'

  beforeAll(async () => {
    t = await createTestApp()
    dashboardId = await makeDashboard(t, org)
  })
  afterAll(() => t.close())

  it('creates, reads, updates, enables and deletes by name in the default folder', async () => {
    const body = reportBody(dashboardId, { name: 'v1_report' })
    const created = await t.request('POST', `/api/${org}/reports?folder=ignored`, { body })
    expect(created.body).toEqual({ code: 200, message: 'Report saved' })
    const got = await t.request('GET', `/api/${org}/reports/v1_report`)
    expect(got.body).toMatchObject({ name: 'v1_report', folderId: 'default' })
    // The path name wins over the body's: v1 update cannot rename.
    const updated = await t.request('PUT', `/api/${org}/reports/v1_report`, {
      body: { ...got.body, name: 'renamed', title: 'New title' },
    })
    expect(updated.body).toEqual({ code: 200, message: 'Report saved' })
    expect((await t.request('GET', `/api/${org}/reports/v1_report`)).body.title).toBe('New title')
    const off = await t.request('PUT', `/api/${org}/reports/v1_report/enable?value=false`)
    expect(off.body).toEqual({ enabled: false })
    await t.request('PUT', `/api/${org}/reports/v1_report/enable?value=true`)
    const bare = await t.request('PUT', `/api/${org}/reports/v1_report/enable`)
    expect(bare.body).toEqual({ enabled: false })
    const list = await t.request('GET', `/api/${org}/reports`)
    expect(list.body.map((r: { name: string }) => r.name)).toEqual(['v1_report'])
    await t.request('POST', `/api/${org}/reports`, {
      body: reportBody(dashboardId, { name: 'v1_b' }),
    })
    const bulk = await t.request('DELETE', `/api/${org}/reports/bulk`, {
      body: { ids: ['v1_report', 'v1_b', 'never_existed'] },
    })
    expect(bulk.body).toMatchObject({
      successful: ['v1_report', 'v1_b', 'never_existed'],
      unsuccessful: [],
      err: null,
    })
    const gone = await t.request('DELETE', `/api/${org}/reports/v1_report`)
    expect(gone.status).toBe(404)
    expect(gone.body.message).toBe('Report not found')
  })
})
