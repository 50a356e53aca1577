import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type * as Casbin from 'casbin'
import type { Adapter, Enforcer, Model } from 'casbin'
import type { Action } from '../permissions.ts'

// Casbin's ESM build spreads the matcher context with a defineProperty-based helper, once per
// evaluation; its CommonJS build uses Object.assign. Same code otherwise, and the CommonJS one
// answered checks 10-30 % faster when measured side by side.
const casbin = createRequire(import.meta.url)('casbin') as typeof Casbin

/**
 * The Casbin model and built-in roles of policies/, and how an enforcer is built from them. See
 * policies/model.conf for why the model is shaped the way it is.
 */
export const policiesFolder = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../policies',
)

/** One policy line: its type (`p`, `g`, `g2`) then its values, as in a policy CSV. */
export type Rule = [ptype: string, ...values: string[]]

export interface PolicyFiles {
  model: string
  builtin: Rule[]
}

/** Parses policy CSV: one rule a line, `#` comments, values trimmed. */
export function parseRules(csv: string): Rule[] {
  const rules: Rule[] = []
  for (const raw of csv.split('\n')) {
    const line = raw.trim()
    if (!line || line.startsWith('#')) continue
    const [ptype, ...values] = line.split(',').map((v) => v.trim())
    rules.push([ptype!, ...values])
  }
  return rules
}

let files: PolicyFiles | undefined

/** The model and built-in roles, read from disk once per process. */
export function policyFiles(): PolicyFiles {
  files ??= {
    model: readFileSync(path.join(policiesFolder, 'model.conf'), 'utf8'),
    builtin: parseRules(readFileSync(path.join(policiesFolder, 'builtin.csv'), 'utf8')),
  }
  return files
}

/** Names of the built-in roles: the subjects of the `p` table. */
export function builtinRoleNames(builtin = policyFiles().builtin): string[] {
  return [...new Set(builtin.filter((r) => r[0] === 'p').map((r) => r[1]!))]
}

/**
 * Appends rules to a model without Casbin's duplicate check, which compares against every loaded
 * rule (quadratic over 10,000 grants). Values beyond the assertion's arity are dropped, so stored
 * rows padded with empty columns load as the rules they were.
 */
export function addRulesToModel(model: Model, rules: Iterable<Rule>): void {
  const seen = new Set<string>()
  for (const [ptype, ...values] of rules) {
    const assertion = model.model.get(ptype.slice(0, 1))?.get(ptype)
    if (!assertion) continue
    // Role definitions (`g = _, _, _`) have no tokens; their arity is the count of `_`.
    const arity = assertion.tokens.length || assertion.value.split(',').length
    const rule = values.slice(0, arity)
    const key = `${ptype}\u0000${rule.join('\u0000')}`
    if (seen.has(key)) continue
    seen.add(key)
    assertion.policy.push(rule)
  }
}

/** `rfolder:abc` → `rfolder:*`: the wildcard object that covers it. */
export function anyOf(object: string): string {
  const colon = object.indexOf(':')
  return colon < 0 ? object : `${object.slice(0, colon + 1)}*`
}

function memberOf(value: string, set: string, match: (value: string, item: string) => boolean) {
  if (set === '*') return true
  for (const item of set.split(' ')) if (item && match(value, item)) return true
  return false
}

/** `objIn('rfolder:x', 'rfolder:* dfolder:*')`: a set of objects, `prefix:*` patterns allowed. */
export function objIn(object: string, set: string): boolean {
  return memberOf(
    object,
    set,
    (o, item) => o === item || (item.endsWith('*') && o.startsWith(item.slice(0, -1))),
  )
}

/** `actIn('get', 'list get')`: a set of actions, `*` for all. */
export function actIn(action: string, set: string): boolean {
  return memberOf(action, set, (a, item) => a === item)
}

/** An enforcer over the model of policies/, loading its rules through the adapter. */
export async function buildEnforcer(adapter: Adapter, model = policyFiles().model) {
  const enforcer: Enforcer = await casbin.newEnforcer(casbin.newModelFromString(model), adapter)
  enforcer.addFunction('anyOf', anyOf)
  enforcer.addFunction('objIn', objIn)
  enforcer.addFunction('actIn', actIn)
  // Changes are written by the roles service in its own transactions, never through the enforcer.
  enforcer.enableAutoSave(false)
  return enforcer
}

const GRANTS = new casbin.EnforceContext('r', 'p', 'e', 'm2')

// Distinct (role, org, object, action) questions remembered per policy; beyond that, start over.
const MAX_DECISIONS = 100_000

/**
 * Decisions over one loaded enforcer: a folder grant (matcher m2, one evaluation), else the
 * built-in table (matcher m, one evaluation per `p` line). The table can only allow a role that
 * is a built-in role or includes one, so other roles skip it; which roles those are is asked of
 * Casbin's own role manager and remembered for the life of this enforcer.
 *
 * Answers are remembered too (~25 µs a Casbin evaluation, a few per request): a Policy never
 * changes once built, and a reload replaces it whole (src/authz/authorizer.ts), so the
 * remembered answers go with the rules they were computed from.
 */
export class Policy {
  private readonly builtins: string[]
  private readonly tableApplies = new Map<string, boolean>()
  private readonly decisions = new Map<string, boolean>()

  constructor(
    readonly enforcer: Enforcer,
    builtin: Rule[] = policyFiles().builtin,
  ) {
    this.builtins = builtinRoleNames(builtin)
  }

  allows(role: string, org: string, object: string, action: Action): boolean {
    const key = `${role}\u0000${org}\u0000${object}\u0000${action}`
    let ok = this.decisions.get(key)
    if (ok === undefined) {
      ok = this.evaluate(role, org, object, action)
      if (this.decisions.size >= MAX_DECISIONS) this.decisions.clear()
      this.decisions.set(key, ok)
    }
    return ok
  }

  /** Casbin's answer, not remembered: what a question asked for the first time costs. */
  evaluate(role: string, org: string, object: string, action: Action): boolean {
    if (this.enforcer.enforceSync(GRANTS, role, org, object, action)) return true
    return this.usesTable(role, org) && this.enforcer.enforceSync(role, org, object, action)
  }

  private usesTable(role: string, org: string): boolean {
    const key = `${org}\u0000${role}`
    let applies = this.tableApplies.get(key)
    if (applies === undefined) {
      const rm = this.enforcer.getRoleManager()
      applies = this.builtins.some((b) => b === role || rm.syncedHasLink?.(b, role, org) === true)
      this.tableApplies.set(key, applies)
    }
    return applies
  }
}
