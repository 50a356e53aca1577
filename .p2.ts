import { newEnforcer, newModelFromString, StringAdapter } from 'casbin'
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
m = g(r.sub, r.obj + '/' + r.act, r.dom) || g(r.sub, anyOf(r.obj) + '/' + r.act, r.dom) || g(r.sub, p.sub, r.dom) && keyMatch(r.obj, p.obj) && actIn(r.act, p.act)
`
const builtin = `
p, admin, *, *
p, editor, rfolder:*, *
p, editor, dfolder:*, *
p, viewer, rfolder:*, list get
p, viewer, dfolder:*, list get
p, runner, rfolder:*, list get trigger
p, runner, dfolder:*, list get
`
const acts = ['list', 'get', 'create', 'update', 'delete', 'trigger']
const lines: string[] = []
const ROLES = Number(process.argv[2] ?? 200)
const FOLDERS = 2000
let n = 0
for (let i = 0; n < 10000; i++) {
  const role = `r${i % ROLES}`
  const f = `f${(i * 7) % FOLDERS}`
  for (const a of acts.slice(0, 5)) { lines.push(`g, ${role}, rfolder:${f}/${a}, acme`); n++ }
}
let t0 = performance.now()
const e = await newEnforcer(newModelFromString(model))
e.addFunction('anyOf', (o: string) => { const i = o.indexOf(':'); return i < 0 ? o : `${o.slice(0, i + 1)}*` })
e.addFunction('actIn', (a: string, set: string) => set === '*' || (' ' + set + ' ').includes(' ' + a + ' '))
for (const l of builtin.trim().split('\n')) { const [, ...r] = l.split(',').map(s=>s.trim()); await e.addPolicy(...r) }
console.log('init ms', performance.now() - t0); t0 = performance.now()
await e.addNamedGroupingPolicies('g', lines.map(l => l.split(',').slice(1).map(s => s.trim())))
console.log('grants ms', performance.now() - t0)
console.log(e.enforceSync('r0', 'acme', 'rfolder:f0', 'list'), e.enforceSync('r0', 'acme', 'rfolder:f1', 'list'), e.enforceSync('editor', 'acme', 'rfolder:f1', 'update'), e.enforceSync('viewer', 'acme', 'rfolder:f1', 'update'), e.enforceSync('admin', 'acme', 'org', 'update'), e.enforceSync('viewer', 'acme', 'rfolder:f1', 'list'))
for (const [label, pick] of [['custom', (i: number) => `r${i % ROLES}`], ['viewer', () => 'viewer'], ['editor', () => 'editor']] as const) {
const N = 50000
const t1 = performance.now()
let allowed = 0
for (let i = 0; i < N; i++) {
  if (e.enforceSync(pick(i), 'acme', `rfolder:f${i % FOLDERS}`, acts[i % 6])) allowed++
}
const dt = performance.now() - t1
console.log(label, { checks_per_s: Math.round(N / (dt / 1000)), allowed })
}
