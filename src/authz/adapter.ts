import type { BatchAdapter, Model } from 'casbin'
import { and, asc, eq, type SQL, sql } from 'drizzle-orm'
import type { Database, Executor } from '../db/client.ts'
import { casbinRule } from '../db/schema/index.ts'
import { addRulesToModel, type Rule } from './policy.ts'

/**
 * Casbin's storage for runtime grants, over drizzle, so it runs on PostgreSQL and PGlite alike.
 * Built-in roles come from policies/ and are never written here. Every write that touches more
 * than one row is one transaction: a failed save leaves the table as it was (casbin-pg-adapter
 * deletes, then inserts outside a transaction).
 */
export class DrizzleAdapter implements BatchAdapter {
  constructor(
    private database: Database,
    private builtin: Rule[] = [],
  ) {}

  async loadPolicy(model: Model): Promise<void> {
    addRulesToModel(model, [...this.builtin, ...(await loadRules(this.database.db))])
  }

  /** Replaces every stored rule with the model's runtime rules, all or nothing. */
  async savePolicy(model: Model): Promise<boolean> {
    const builtin = new Set(this.builtin.map(ruleKey))
    const rules: Rule[] = []
    for (const [sec, assertions] of model.model) {
      if (sec !== 'p' && sec !== 'g') continue
      for (const [ptype, assertion] of assertions) {
        for (const values of assertion.policy) {
          const rule: Rule = [ptype, ...values]
          if (!builtin.has(ruleKey(rule))) rules.push(rule)
        }
      }
    }
    await this.database.db.transaction(async (tx) => {
      await tx.delete(casbinRule)
      await insertRules(tx, rules)
    })
    return true
  }

  async addPolicy(_sec: string, ptype: string, rule: string[]): Promise<void> {
    await insertRules(this.database.db, [[ptype, ...rule]])
  }

  async addPolicies(_sec: string, ptype: string, rules: string[][]): Promise<void> {
    await this.database.db.transaction(async (tx) => {
      await insertRules(
        tx,
        rules.map((r): Rule => [ptype, ...r]),
      )
    })
  }

  async removePolicy(_sec: string, ptype: string, rule: string[]): Promise<void> {
    await deleteRules(this.database.db, [[ptype, ...rule]])
  }

  async removePolicies(_sec: string, ptype: string, rules: string[][]): Promise<void> {
    await this.database.db.transaction(async (tx) => {
      await deleteRules(
        tx,
        rules.map((r): Rule => [ptype, ...r]),
      )
    })
  }

  async removeFilteredPolicy(
    _sec: string,
    ptype: string,
    fieldIndex: number,
    ...fieldValues: string[]
  ): Promise<void> {
    const where: SQL[] = [eq(casbinRule.ptype, ptype)]
    fieldValues.forEach((value, i) => {
      const column = COLUMNS[fieldIndex + i]
      if (column && value !== '') where.push(eq(column, value))
    })
    await this.database.db.delete(casbinRule).where(and(...where))
  }
}

const COLUMNS = [casbinRule.v0, casbinRule.v1, casbinRule.v2, casbinRule.v3, casbinRule.v4]
// postgres.js caps a query at 65,534 parameters; a row here binds 7.
const BATCH = 5000

function ruleKey(rule: Rule): string {
  return rule.join('\u0000')
}

function rowOf([ptype, ...values]: Rule) {
  return {
    ptype,
    v0: values[0] ?? '',
    v1: values[1] ?? '',
    v2: values[2] ?? '',
    v3: values[3] ?? '',
    v4: values[4] ?? '',
    v5: values[5] ?? '',
  }
}

/** Every stored rule, in the order it was written. */
export async function loadRules(db: Executor): Promise<Rule[]> {
  const rows = await db.select().from(casbinRule).orderBy(asc(casbinRule.id))
  return rows.map((r): Rule => [r.ptype, r.v0, r.v1, r.v2, r.v3, r.v4, r.v5])
}

/** Rules matching a filter: `{ ptype: 'g', v2: 'acme' }`. */
export async function findRules(
  db: Executor,
  filter: Partial<Record<'ptype' | 'v0' | 'v1' | 'v2', string>>,
): Promise<Rule[]> {
  const where = Object.entries(filter).map(([k, v]) => eq(casbinRule[k as keyof typeof filter], v))
  const rows = await db
    .select()
    .from(casbinRule)
    .where(and(...where))
    .orderBy(asc(casbinRule.id))
  return rows.map((r): Rule => [r.ptype, r.v0, r.v1, r.v2, r.v3, r.v4, r.v5])
}

export async function insertRules(db: Executor, rules: Rule[]): Promise<void> {
  for (let i = 0; i < rules.length; i += BATCH) {
    await db.insert(casbinRule).values(rules.slice(i, i + BATCH).map(rowOf))
  }
}

export async function deleteRules(db: Executor, rules: Rule[]): Promise<void> {
  for (const rule of rules) {
    const row = rowOf(rule)
    await db
      .delete(casbinRule)
      .where(
        and(
          eq(casbinRule.ptype, row.ptype),
          eq(casbinRule.v0, row.v0),
          eq(casbinRule.v1, row.v1),
          eq(casbinRule.v2, row.v2),
          eq(casbinRule.v3, row.v3),
          eq(casbinRule.v4, row.v4),
          eq(casbinRule.v5, row.v5),
        ),
      )
  }
}

/** Deletes the rules matching a filter; returns how many went. */
export async function deleteMatching(
  db: Executor,
  filter: Partial<Record<'ptype' | 'v0' | 'v1' | 'v2', string>>,
): Promise<number> {
  const where = Object.entries(filter).map(([k, v]) => eq(casbinRule[k as keyof typeof filter], v))
  const rows = await db
    .delete(casbinRule)
    .where(and(...where))
    .returning({ id: casbinRule.id })
  return rows.length
}

/**
 * Cheap fingerprint of the stored rules: any insert raises the max id, any delete lowers the
 * count. Lets a process notice changes it missed a notification for.
 */
export async function rulesFingerprint(database: Database): Promise<string> {
  const [row] = await database.rows<{ n: number; m: number }>(
    sql`select count(*)::int as n, coalesce(max(id), 0)::int as m from casbin_rule`,
  )
  return `${row?.n ?? 0}:${row?.m ?? 0}`
}
