import type { Adapter, Model } from 'casbin'
import { describe, expect, it } from 'vitest'
import {
  actIn,
  addRulesToModel,
  anyOf,
  buildEnforcer,
  objIn,
  Policy,
  parseRules,
  policyFiles,
  type Rule,
} from '../../../src/authz/policy.ts'

/** The model of policies/ with rules held in memory: the decisions, without a database. */
async function policyWith(rules: Rule[]): Promise<Policy> {
  const adapter: Adapter = {
    loadPolicy: async (model: Model) =>
      addRulesToModel(model, [...policyFiles().builtin, ...rules]),
    savePolicy: async () => false,
    addPolicy: async () => {},
    removePolicy: async () => {},
    removeFilteredPolicy: async () => {},
  }
  return new Policy(await buildEnforcer(adapter))
}

describe('the authorization model', () => {
  it('gives built-in roles what policies/builtin.csv says, in every org', async () => {
    const p = await policyWith([])
    for (const org of ['acme', 'beta']) {
      expect(p.allows('admin', org, 'org', 'create')).toBe(true)
      expect(p.allows('admin', org, 'datasources', 'delete')).toBe(true)
      expect(p.allows('editor', org, 'rfolder:x', 'delete')).toBe(true)
      expect(p.allows('editor', org, 'dfolder:x', 'create')).toBe(true)
      expect(p.allows('editor', org, 'org', 'create')).toBe(false)
      expect(p.allows('editor', org, 'datasources', 'list')).toBe(false)
      expect(p.allows('viewer', org, 'rfolder:x', 'get')).toBe(true)
      expect(p.allows('viewer', org, 'rfolder:x', 'trigger')).toBe(false)
      expect(p.allows('runner', org, 'rfolder:x', 'trigger')).toBe(true)
      expect(p.allows('runner', org, 'rfolder:x', 'update')).toBe(false)
      expect(p.allows('nobody', org, 'rfolder:x', 'list')).toBe(false)
    }
  })

  it('gives a custom role its folder grants, in its own org only', async () => {
    const p = await policyWith([
      ['g2', 'team', 'acme'],
      ['g', 'rfolder:F/list', 'team', 'acme'],
      ['g', 'rfolder:F/update', 'team', 'acme'],
    ])
    expect(p.allows('team', 'acme', 'rfolder:F', 'list')).toBe(true)
    expect(p.allows('team', 'acme', 'rfolder:F', 'update')).toBe(true)
    expect(p.allows('team', 'acme', 'rfolder:F', 'delete')).toBe(false)
    expect(p.allows('team', 'acme', 'rfolder:G', 'list')).toBe(false)
    expect(p.allows('team', 'acme', 'dfolder:F', 'list')).toBe(false)
    expect(p.allows('team', 'beta', 'rfolder:F', 'list')).toBe(false)
  })

  it('supports wildcard objects and role inheritance', async () => {
    const p = await policyWith([
      ['g', 'rfolder:*/list', 'auditors', 'acme'],
      ['g', 'viewer', 'readers', 'acme'],
      ['g', 'rfolder:F/update', 'writers', 'acme'],
      ['g', 'readers', 'writers', 'acme'],
    ])
    expect(p.allows('auditors', 'acme', 'rfolder:any', 'list')).toBe(true)
    expect(p.allows('auditors', 'acme', 'rfolder:any', 'get')).toBe(false)
    expect(p.allows('readers', 'acme', 'dfolder:any', 'get')).toBe(true)
    expect(p.allows('readers', 'beta', 'dfolder:any', 'get')).toBe(false)
    // writers ⊇ readers ⊇ viewer, plus its own grant.
    expect(p.allows('writers', 'acme', 'rfolder:G', 'get')).toBe(true)
    expect(p.allows('writers', 'acme', 'rfolder:F', 'update')).toBe(true)
    expect(p.allows('writers', 'acme', 'rfolder:G', 'update')).toBe(false)
  })

  it('matches object and action sets', () => {
    expect(anyOf('rfolder:abc')).toBe('rfolder:*')
    expect(anyOf('org')).toBe('org')
    expect(objIn('rfolder:x', 'rfolder:* dfolder:*')).toBe(true)
    expect(objIn('org', 'rfolder:* dfolder:*')).toBe(false)
    expect(objIn('org', '*')).toBe(true)
    expect(actIn('get', 'list get')).toBe(true)
    expect(actIn('getx', 'list get')).toBe(false)
    expect(parseRules('# c\np, a, b c, d\n\ng, x, y, z\n')).toEqual([
      ['p', 'a', 'b c', 'd'],
      ['g', 'x', 'y', 'z'],
    ])
  })
})
