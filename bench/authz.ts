/**
 * Authorization throughput (DESIGN §7, §11): folder checks per second with 10,000 runtime grants,
 * through the production path (grants stored in casbin_rule, loaded by the drizzle adapter into
 * the Casbin enforcer), each question evaluated by Casbin (Policy.evaluate). A Policy also
 * remembers its answers; `remembered_checks_per_s` asks the same questions through
 * Authorizer.check, as requests do, and is not what the budget is about.
 *
 *   npx tsx bench/authz.ts
 *
 * Prints one JSON line, then a verdict against the budget of 20,000 checks/s.
 */
import { newEnforcer, newModelFromString } from 'casbin'
import { DrizzleAdapter, insertRules } from '../src/authz/adapter.ts'
import { Authorizer } from '../src/authz/authorizer.ts'
import {
  addRulesToModel,
  buildEnforcer,
  Policy,
  policyFiles,
  type Rule,
} from '../src/authz/policy.ts'
import { openPglite } from '../src/db/client.ts'
import { migrateDatabase } from '../src/db/migrate.ts'
import { ACTIONS, type Action } from '../src/permissions.ts'

const BUDGET = 20_000
const GRANTS = 10_000
const ORG = 'acme'
const FOLDERS = 2_000
const ROLES = 400
const ROUNDS = 5
const ROUND_MS = 1_000
const WRITE: Action[] = ['list', 'get', 'create', 'update', 'delete']

/** Deterministic, so every run asks the same questions. */
function rng(seed: number) {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
const pick = <T>(r: () => number, xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!

/** 400 custom roles, each granted 5 actions in 5 folders: 10,000 `g` grants. */
function grants(): { rules: Rule[]; owned: Map<string, string[]> } {
  const r = rng(1)
  const rules: Rule[] = []
  const owned = new Map<string, string[]>()
  for (let i = 0; i < ROLES; i++) {
    const role = `team${i}`
    rules.push(['g2', role, ORG])
    const mine: string[] = []
    while (mine.length < GRANTS / ROLES / WRITE.length) {
      const folder = `f${Math.floor(r() * FOLDERS)}`
      if (!mine.includes(folder)) mine.push(folder)
    }
    owned.set(role, mine)
    for (const folder of mine) {
      for (const action of WRITE) rules.push(['g', `rfolder:${folder}/${action}`, role, ORG])
    }
  }
  // A few roles built on others, as admins do: inheritance and a wildcard grant.
  rules.push(['g', 'viewer', 'team0', ORG], ['g', 'rfolder:*/list', 'team1', ORG])
  return { rules, owned }
}

type Question = [roles: string[], object: string, action: Action]

/** Mostly custom roles (half inside their own folders), some built-in roles. */
function questions(owned: Map<string, string[]>, n: number): Question[] {
  const r = rng(2)
  const roles = [...owned.keys()]
  const out: Question[] = []
  for (let i = 0; i < n; i++) {
    const builtin = r() < 0.25
    const role = builtin ? pick(r, ['admin', 'editor', 'viewer', 'runner']) : pick(r, roles)
    const folder =
      !builtin && r() < 0.5 ? pick(r, owned.get(role)!) : `f${Math.floor(r() * FOLDERS)}`
    out.push([[role], `rfolder:${folder}`, pick(r, ACTIONS)])
  }
  return out
}

function measure(check: (q: Question) => boolean, qs: Question[]) {
  for (let i = 0; i < 20_000; i++) check(qs[i % qs.length]!)
  const rates: number[] = []
  let allowed = 0
  let asked = 0
  for (let round = 0; round < ROUNDS; round++) {
    let n = 0
    const start = performance.now()
    let elapsed = 0
    while (elapsed < ROUND_MS) {
      for (let i = 0; i < 1000; i++, n++) if (check(qs[n % qs.length]!)) allowed++
      elapsed = performance.now() - start
    }
    asked += n
    rates.push(n / (elapsed / 1000))
  }
  rates.sort((a, b) => a - b)
  return {
    median: Math.round(rates[Math.floor(rates.length / 2)]!),
    best: Math.round(rates[rates.length - 1]!),
    allowed: allowed / asked,
  }
}

/** The worst case for this model: one role holding all 10,000 grants. */
async function oneRole() {
  const rules: Rule[] = [['g2', 'big', ORG]]
  for (let f = 0; rules.length <= GRANTS; f++) {
    for (const action of WRITE) rules.push(['g', `rfolder:f${f}/${action}`, 'big', ORG])
  }
  const memory = {
    loadPolicy: async (model: Parameters<typeof addRulesToModel>[0]) =>
      addRulesToModel(model, [...policyFiles().builtin, ...rules]),
    savePolicy: async () => false,
    addPolicy: async () => {},
    removePolicy: async () => {},
    removeFilteredPolicy: async () => {},
  }
  const policy = new Policy(await buildEnforcer(memory))
  const r = rng(3)
  const qs: Question[] = Array.from({ length: 50_000 }, () => [
    ['big'],
    `rfolder:f${Math.floor(r() * FOLDERS * 2)}`,
    pick(r, ACTIONS),
  ])
  return measure(([roles, object, action]) => policy.evaluate(roles[0]!, ORG, object, action), qs)
}

/** What DESIGN §7 warns against: one `p` line per grant. Measured briefly: it is slow. */
async function naive(rules: Rule[]) {
  const model = newModelFromString(`
[request_definition]
r = sub, dom, obj, act
[policy_definition]
p = sub, dom, obj, act
[role_definition]
g = _, _, _
[policy_effect]
e = some(where (p.eft == allow))
[matchers]
m = g(r.sub, p.sub, r.dom) && r.dom == p.dom && r.obj == p.obj && r.act == p.act`)
  const enforcer = await newEnforcer(model)
  const lines = rules
    .filter((x) => x[0] === 'g' && x[1]!.includes('/'))
    .map(([, perm, role, org]): Rule => {
      const slash = perm!.lastIndexOf('/')
      return ['p', role!, org!, perm!.slice(0, slash), perm!.slice(slash + 1)]
    })
  addRulesToModel(enforcer.getModel(), lines)
  const r = rng(4)
  const start = performance.now()
  let n = 0
  while (performance.now() - start < 1000) {
    enforcer.enforceSync(`team${Math.floor(r() * ROLES)}`, ORG, `rfolder:f${n % FOLDERS}`, 'get')
    n++
  }
  return Math.round(n / ((performance.now() - start) / 1000))
}

async function main() {
  const database = await openPglite(undefined)
  try {
    await migrateDatabase(database)
    const { rules, owned } = grants()
    await insertRules(database.db, rules)
    const loadStart = performance.now()
    const authz = await Authorizer.open(database, { pollMs: 0 })
    const loadMs = Math.round(performance.now() - loadStart)
    const qs = questions(owned, 100_000)
    // The same loading path as Authorizer's, without its memory of answers.
    const fresh = new Policy(
      await buildEnforcer(new DrizzleAdapter(database, policyFiles().builtin)),
    )
    const spread = measure(
      ([roles, object, action]) => roles.some((role) => fresh.evaluate(role, ORG, object, action)),
      qs,
    )
    const remembered = measure(
      ([roles, object, action]) => authz.check(roles, ORG, object, action),
      qs,
    )
    const worst = await oneRole()
    const slow = await naive(rules)
    await authz.close()

    const rate = Math.min(spread.median, worst.median)
    const result = {
      bench: 'authz',
      grants: rules.filter((x) => x[0] === 'g').length,
      custom_roles: ROLES,
      folders: FOLDERS,
      load_ms: loadMs,
      checks_per_s: spread.median,
      checks_per_s_best: spread.best,
      allowed_ratio: Number(spread.allowed.toFixed(3)),
      one_role_10k_grants_checks_per_s: worst.median,
      naive_p_per_grant_checks_per_s: slow,
      remembered_checks_per_s: remembered.median,
      budget_checks_per_s: BUDGET,
      ok: rate >= BUDGET,
    }
    process.stdout.write(`${JSON.stringify(result)}\n`)
    process.stdout.write(
      result.ok
        ? `PASS: ${rate} folder checks/s with ${GRANTS} grants (budget ${BUDGET})\n`
        : `FAIL: ${rate} folder checks/s with ${GRANTS} grants, below the budget of ${BUDGET}\n`,
    )
    process.exitCode = result.ok ? 0 : 1
  } finally {
    await database.close()
  }
}

await main()
