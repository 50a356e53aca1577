import type { TestApp } from './app.ts'

let n = 0
export const unique = (prefix: string) => `${prefix}_${Date.now().toString(36)}_${++n}`

export async function makeFolder(t: TestApp, org: string, name = unique('folder'), auth?: string) {
  const res = await t.request('POST', `/api/v2/${org}/folders/reports`, {
    body: { name, description: '' },
    auth,
  })
  if (res.status !== 200) throw new Error(`makeFolder: ${res.status} ${res.text}`)
  return res.body.folderId as string
}

export function dashboardBody(overrides: Record<string, unknown> = {}) {
  return {
    title: unique('Dashboard'),
    description: '',
    tabs: [
      {
        tabId: 'default',
        name: 'Overview',
        panels: [
          {
            id: 'p1',
            type: 'metric',
            title: 'Revenue',
            query: { datasource: 'sample', sql: 'select sum(amount) from orders' },
            layout: { x: 0, y: 0, w: 6, h: 4 },
          },
        ],
      },
    ],
    variables: [],
    ...overrides,
  }
}

export async function makeDashboard(t: TestApp, org: string, folder = 'default') {
  const res = await t.request('POST', `/api/v2/${org}/dashboards?folder=${folder}`, {
    body: dashboardBody(),
  })
  if (res.status !== 200) throw new Error(`makeDashboard: ${res.status} ${res.text}`)
  return res.body.id as string
}

/** A report body as OpenObserve's web client sends it (junk keys included). */
export function reportBody(dashboardId: string, overrides: Record<string, unknown> = {}) {
  return {
    dashboards: [
      {
        folder: 'default',
        dashboard: dashboardId,
        tabs: ['default'],
        variables: [],
        timerange: { type: 'relative', period: '30m', from: 0, to: 0 },
        report_type: 'pdf',
        email_attachment_type: 'standard',
      },
    ],
    description: '',
    destinations: [{ email: 'ops@example.com' }, { email: 'cto@example.com' }],
    enabled: true,
    imagePreview: false,
    name: unique('report'),
    title: 'Weekly ops',
    message: '',
    orgId: 'ignored',
    start: Date.parse('2030-01-05T09:00:00Z') * 1000,
    frequency: { interval: 1, type: 'weeks', cron: '' },
    user: '',
    password: '',
    timezone: 'Asia/Kolkata',
    timezoneOffset: 330,
    lastTriggeredAt: null,
    createdAt: '2026-01-05T09:00:00.000Z',
    updatedAt: '2026-01-05T09:00:00.000Z',
    owner: 'me@example.com',
    lastEditedBy: 'me@example.com',
    report_type: 'PDF',
    ...overrides,
  }
}

export async function makeReport(
  t: TestApp,
  org: string,
  dashboardId: string,
  folder = 'default',
  overrides: Record<string, unknown> = {},
) {
  const res = await t.request('POST', `/api/v2/${org}/reports?folder=${folder}`, {
    body: reportBody(dashboardId, overrides),
  })
  if (res.status !== 200) throw new Error(`makeReport: ${res.status} ${res.text}`)
  return res.body.id as string
}
