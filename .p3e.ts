import { createRequire } from 'node:module'
import { newEnforcer, newModelFromString } from 'casbin'
const model = `
[request_definition]
r = sub, dom, obj, act
[policy_definition]
p = sub, obj, act
[role_definition]
g = _, _, _
[policy_effect]
e = some(where (p.eft == allow))
[matchers]
m = p.sub == '@grant' && (g(r.obj + '/' + r.act, r.sub, r.dom) || g(anyOf(r.obj) + '/' + r.act, r.sub, r.dom)) || objIn(r.obj, p.obj) && actIn(r.act, p.act) && g(p.sub, r.sub, r.dom)
`
const builtin = [
['@grant', '*', '*'],
['admin', '*', '*'],
['editor', 'rfolder:* dfolder:*', '*'],
['viewer', 'rfolder:* dfolder:*', 'list get'],
['runner', 'rfolder:* dfolder:*', 'list get trigger'],
]
const acts = ['list', 'get', 'create', 'update', 'delete', 'trigger']
const lines: string[][] = []
const ROLES = Number(process.argv[2] ?? 200)
const FOLDERS = 2000
let n = 0
for (let i = 0; n < 10000; i++) {
  const role = `r${i % ROLES}`
  const f = `f${(i * 7) % FOLDERS}`
  for (const a of acts.slice(0, 5)) { lines.push([`rfolder:${f}/${a}`, role, 'acme']); n++ }
}
const inSet = (v: string, set: string, match: (v: string, p: string) => boolean) => {
  if (set === '*') return true
  for (const p of set.split(' ')) if (match(v, p)) return true
  return false
}
let t0 = performance.now()
const e = await newEnforcer(newModelFromString(model))
e.addFunction('anyOf', (o: string) => { const i = o.indexOf(':'); return i < 0 ? o : `${o.slice(0, i + 1)}*` })
e.addFunction('actIn', (a: string, set: string) => inSet(a, set, (x, y) => x === y))
e.addFunction('objIn', (a: string, set: string) => inSet(a, set, (x, y) => x === y || (y.endsWith('*') && x.startsWith(y.slice(0, -1)))))
await e.addPolicies(builtin)
console.log('init ms', performance.now() - t0); t0 = performance.now()
await e.addNamedGroupingPolicies('g', lines)
console.log('grants ms', performance.now() - t0)
console.log(e.enforceSync('r0', 'acme', 'rfolder:f0', 'list'), e.enforceSync('r0', 'acme', 'rfolder:f1', 'list'), e.enforceSync('editor', 'acme', 'rfolder:f1', 'update'), e.enforceSync('viewer', 'acme', 'rfolder:f1', 'update'), e.enforceSync('admin', 'acme', 'org', 'update'), e.enforceSync('viewer', 'acme', 'rfolder:f1', 'list'), e.enforceSync('viewer', 'acme', 'org', 'list'))
for (const [label, pick] of [['custom', (i: number) => `r${i % ROLES}`], ['viewer', () => 'viewer'], ['editor', () => 'editor']] as const) {
const N = 100000
const t1 = performance.now()
let allowed = 0
for (let i = 0; i < N; i++) {
  if (e.enforceSync(pick(i), 'acme', `rfolder:f${i % FOLDERS}`, acts[i % 6])) allowed++
}
const dt = performance.now() - t1
console.log(label, { checks_per_s: Math.round(N / (dt / 1000)), allowed })
}
