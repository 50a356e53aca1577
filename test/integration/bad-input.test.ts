import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { basic, createTestApp, type TestApp } from '../helpers/app.ts'
import { makeDashboard, makeReport, reportBody } from '../helpers/factories.ts'

const org = 'bad'

describe('bad input always gets a 4xx envelope', () => {
  let t: TestApp
  let dash: string
  let report: string

  beforeAll(async () => {
    t = await createTestApp()
    dash = await makeDashboard(t, org)
    report = await makeReport(t, org, dash)
  })
  afterAll(() => t.close())

  function envelope(res: { status: number; body: unknown }, status: number, error: string) {
    expect(res.status).toBe(status)
    expect(res.body).toMatchObject({
      code: status,
      error,
      message: expect.any(String),
      trace_id: expect.any(String),
    })
  }

  it('malformed JSON is 400', async () => {
    const res = await t.request('POST', `/api/v2/${org}/reports`, {
      raw: '{"name": ',
      headers: { 'content-type': 'application/json' },
    })
    envelope(res, 400, 'bad_request')
    expect(res.body.message).toMatch(/^Failed to parse the request body as JSON/)
  })

  it('wrong content type is 415', async () => {
    const res = await t.request('POST', `/api/v2/${org}/reports`, {
      raw: JSON.stringify(reportBody(dash)),
      headers: { 'content-type': 'text/plain' },
    })
    envelope(res, 415, 'unsupported_media_type')
  })

  it('wrong types are 400 with field errors', async () => {
    const res = await t.request('POST', `/api/v2/${org}/reports`, {
      body: reportBody(dash, { enabled: 'yes', frequency: { type: 'fortnightly' }, start: 'soon' }),
    })
    envelope(res, 400, 'validation_failed')
    const names = res.body.fields.map((f: { name: string }) => f.name)
    expect(names).toEqual(expect.arrayContaining(['enabled', 'frequency.type', 'start']))
  })

  it('missing required keys are 400 naming them', async () => {
    const res = await t.request('POST', `/api/v2/${org}/reports`, { body: { name: 'x' } })
    envelope(res, 400, 'validation_failed')
    expect(res.body.fields).toContainEqual({
      name: 'dashboards',
      description: 'dashboards is required',
    })
  })

  it('a JSON array or scalar body is 400', async () => {
    envelope(
      await t.request('POST', `/api/v2/${org}/reports`, { body: [1, 2] }),
      400,
      'validation_failed',
    )
    envelope(
      await t.request('POST', `/api/v2/${org}/folders/reports`, { body: 'x' }),
      400,
      'validation_failed',
    )
  })

  it('bodies over 1 MiB are 413', async () => {
    const res = await t.request('POST', `/api/v2/${org}/reports`, {
      raw: JSON.stringify({ ...reportBody(dash), message: 'x'.repeat(1_100_000) }),
      headers: { 'content-type': 'application/json' },
    })
    envelope(res, 413, 'payload_too_large')
  })

  it('unknown ids are 404', async () => {
    envelope(
      await t.request('GET', `/api/v2/${org}/reports/2zzzzzzzzzzzzzzzzzzzzzzzzzz`),
      404,
      'not_found',
    )
    envelope(
      await t.request('PUT', `/api/v2/${org}/reports/nope`, { body: reportBody(dash) }),
      404,
      'not_found',
    )
    envelope(await t.request('DELETE', `/api/v2/${org}/reports/nope`), 404, 'not_found')
    envelope(
      await t.request('PATCH', `/api/v2/${org}/reports/nope/enable?value=true`),
      404,
      'not_found',
    )
    envelope(await t.request('GET', `/api/v2/${org}/folders/reports/nope`), 404, 'not_found')
    envelope(await t.request('GET', `/api/v2/${org}/dashboards/nope`), 404, 'not_found')
    envelope(await t.request('GET', `/api/${org}/reports/nope`), 404, 'not_found')
  })

  it("other org's ids are 404", async () => {
    envelope(await t.request('GET', `/api/v2/elsewhere/reports/${report}`), 404, 'not_found')
    envelope(await t.request('DELETE', `/api/v2/elsewhere/reports/${report}`), 404, 'not_found')
    envelope(await t.request('GET', `/api/v2/elsewhere/dashboards/${dash}`), 404, 'not_found')
    expect((await t.request('GET', `/api/v2/${org}/reports/${report}`)).status).toBe(200)
  })

  it('missing or invalid credentials are 401', async () => {
    envelope(await t.request('GET', `/api/v2/${org}/reports`, { auth: null }), 401, 'unauthorized')
    envelope(
      await t.request('GET', `/api/v2/${org}/reports`, {
        auth: basic('root@herald.test', 'wrong'),
      }),
      401,
      'unauthorized',
    )
    envelope(
      await t.request('GET', `/api/v2/${org}/reports`, { auth: 'Bearer hrld_nope' }),
      401,
      'unauthorized',
    )
    envelope(
      await t.request('GET', `/api/v2/${org}/reports`, { auth: 'Basic !!!' }),
      401,
      'unauthorized',
    )
  })

  it('a non-member of the org is 403', async () => {
    const outsider = await t.member('some-other-org', ['admin'])
    envelope(await t.request('GET', `/api/v2/${org}/reports`, { auth: outsider }), 403, 'forbidden')
  })

  it('NUL characters in paths, queries and bodies are 400, not 500', async () => {
    envelope(await t.request('GET', `/api/v2/${org}/reports/%00`), 400, 'bad_request')
    envelope(await t.request('GET', `/api/v2/${org}/dashboards?folder=%00`), 400, 'bad_request')
    const res = await t.request('POST', `/api/v2/${org}/folders/reports`, {
      body: { name: 'a\u0000b', description: '' },
    })
    envelope(res, 400, 'bad_request')
  })

  it('unknown routes are 404 envelopes', async () => {
    envelope(await t.request('GET', '/nope', { auth: null }), 404, 'not_found')
    envelope(await t.request('GET', `/api/v2/${org}/nope`), 404, 'not_found')
  })

  it('bad query values are 400', async () => {
    envelope(
      await t.request('PATCH', `/api/v2/${org}/reports/${report}/enable?value=maybe`),
      400,
      'validation_failed',
    )
    envelope(await t.request('GET', '/api/v2/bad org!/reports'), 400, 'validation_failed')
  })

  it('empty folder names are refused; default cannot be renamed or deleted', async () => {
    const res = await t.request('POST', `/api/v2/${org}/folders/reports`, {
      body: { name: '   ', description: '' },
    })
    envelope(res, 400, 'validation_failed')
    expect(res.body.message).toBe('Folder name cannot be empty')
    envelope(
      await t.request('PUT', `/api/v2/${org}/folders/reports/default`, {
        body: { name: 'x', description: '' },
      }),
      400,
      'bad_request',
    )
    envelope(
      await t.request('DELETE', `/api/v2/${org}/folders/reports/default`),
      400,
      'bad_request',
    )
    // PUT on an unknown folder does not create it (OpenObserve upserts).
    envelope(
      await t.request('PUT', `/api/v2/${org}/folders/reports/ghost`, {
        body: { name: 'x', description: '' },
      }),
      404,
      'not_found',
    )
  })
})
