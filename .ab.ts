import { createRequire } from 'node:module'
import * as esm from 'casbin'
import { addRulesToModel, policyFiles, anyOf, objIn, actIn, type Rule } from './src/authz/policy.ts'
const cjs = createRequire(import.meta.url)('casbin') as typeof esm
const rules: Rule[] = []
for (let i = 0; i < 400; i++) for (let f = 0; f < 5; f++) for (const a of ['list','get','create','update','delete']) rules.push(['g', `rfolder:f${(i*37+f*11)%2000}/${a}`, `team${i}`, 'acme'])
async function build(c: typeof esm) {
  const e = await c.newEnforcer(c.newModelFromString(policyFiles().model))
  addRulesToModel(e.getModel(), [...policyFiles().builtin, ...rules])
  await e.buildRoleLinks()
  e.addFunction('anyOf', anyOf); e.addFunction('objIn', objIn); e.addFunction('actIn', actIn)
  return e
}
const E = await build(esm), C = await build(cjs)
const acts = ['list','get','create','update','delete','trigger']
function run(e: esm.Enforcer) { const t = performance.now(); let n = 0; for (; n < 30000; n++) e.enforceSync(n % 4 ? `team${n % 400}` : 'viewer', 'acme', `rfolder:f${n % 2000}`, acts[n % 6]); return Math.round(n / ((performance.now() - t) / 1000)) }
for (let i = 0; i < 5; i++) console.log('esm', run(E), 'cjs', run(C))
