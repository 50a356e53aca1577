import { createTestApp } from '../test/helpers/app.ts'
import { makeDashboard, makeReport } from '../test/helpers/factories.ts'
const t = await createTestApp({ now: Date.now() })
const org = 'bench'
const d = await makeDashboard(t, org)
const id = await makeReport(t, org, d)
const tok = await t.request('POST', `/api/v2/${org}/tokens`, { body: { name: 'v', roles: ['viewer'] } })
const auth = `Bearer ${tok.body.token}`
for (const [label, a] of [['root basic', t.root], ['viewer token', auth]] as const) {
  for (let i = 0; i < 50; i++) await t.request('GET', `/api/v2/${org}/reports/${id}`, { auth: a })
  const n = 300
  let s = performance.now()
  for (let i = 0; i < n; i++) await t.request('GET', `/api/v2/${org}/reports/${id}`, { auth: a })
  console.log(label, 'sequential ms/req', ((performance.now() - s) / n).toFixed(2))
  s = performance.now()
  await Promise.all(Array.from({ length: 16 }, async () => { for (let i = 0; i < n / 16; i++) await t.request('GET', `/api/v2/${org}/reports/${id}`, { auth: a }) }))
  console.log(label, '16 concurrent req/s', (n / ((performance.now() - s) / 1000)).toFixed(0))
}
const r = await t.request('GET', `/api/v2/${org}/reports/${id}`, { auth })
console.log(r.status, r.text.slice(0, 100))
await t.close()
