import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DrizzleAdapter, loadRules } from '../../src/authz/adapter.ts'
import { buildEnforcer, policyFiles } from '../../src/authz/policy.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts'

/** The Casbin adapter over casbin_rule, on the real database (PGlite or PostgreSQL). */
describe('DrizzleAdapter', () => {
  let tdb: TestDatabase
  let adapter: DrizzleAdapter
  const stored = async () => (await loadRules(tdb.database.db)).map((r) => r.slice(0, 4).join(','))

  beforeAll(async () => {
    tdb = await createTestDatabase()
    adapter = new DrizzleAdapter(tdb.database, policyFiles().builtin)
  })
  afterAll(() => tdb?.close())

  it('adds and removes rules, one by one, in batches, and by filter', async () => {
    await adapter.addPolicy('g', 'g', ['rfolder:F/list', 'team', 'acme'])
    await adapter.addPolicies('g', 'g', [
      ['rfolder:F/get', 'team', 'acme'],
      ['rfolder:G/get', 'ops', 'acme'],
    ])
    await adapter.addPolicy('g', 'g2', ['team', 'acme'])
    expect(await stored()).toEqual([
      'g,rfolder:F/list,team,acme',
      'g,rfolder:F/get,team,acme',
      'g,rfolder:G/get,ops,acme',
      'g2,team,acme,',
    ])
    await adapter.removePolicy('g', 'g', ['rfolder:F/list', 'team', 'acme'])
    await adapter.removeFilteredPolicy('g', 'g', 1, 'ops')
    expect(await stored()).toEqual(['g,rfolder:F/get,team,acme', 'g2,team,acme,'])
    await adapter.removePolicies('g', 'g', [['rfolder:F/get', 'team', 'acme']])
    expect(await stored()).toEqual(['g2,team,acme,'])
  })

  it('loads built-in and stored rules into an enforcer; saves only the stored ones', async () => {
    await adapter.addPolicy('g', 'g', ['rfolder:F/list', 'team', 'acme'])
    const enforcer = await buildEnforcer(adapter)
    expect(await enforcer.getPolicy()).toEqual(
      policyFiles()
        .builtin.filter((r) => r[0] === 'p')
        .map((r) => r.slice(1)),
    )
    expect(await enforcer.getNamedGroupingPolicy('g')).toEqual([['rfolder:F/list', 'team', 'acme']])
    await enforcer.addNamedGroupingPolicy('g', 'rfolder:F/get', 'team', 'acme')
    expect(await enforcer.savePolicy()).toBe(true)
    expect(await stored()).toEqual([
      'g,rfolder:F/list,team,acme',
      'g,rfolder:F/get,team,acme',
      'g2,team,acme,',
    ])
  })

  it('leaves the table as it was when a save fails half way', async () => {
    const before = await stored()
    // The database refuses one of the rules: the save must not have emptied the table.
    await tdb.database.db.execute(sql`
      create function refuse_boom() returns trigger language plpgsql as $$
      begin
        if new.v0 = 'boom' then raise exception 'refused'; end if;
        return new;
      end $$`)
    await tdb.database.db.execute(sql`
      create trigger refuse_boom before insert on casbin_rule
      for each row execute function refuse_boom()`)
    const enforcer = await buildEnforcer(adapter)
    await enforcer.addNamedGroupingPolicy('g', 'rfolder:H/list', 'team', 'acme')
    await enforcer.addNamedGroupingPolicy('g', 'boom', 'team', 'acme')
    await expect(enforcer.savePolicy()).rejects.toThrow()
    expect(await stored()).toEqual(before)
    await tdb.database.db.execute(sql`drop trigger refuse_boom on casbin_rule`)
  })
})
