import { and, eq, inArray, sql } from 'drizzle-orm'
import { audit } from '../audit/audit.ts'
import type { Ctx, Tx } from '../context.ts'
import { apiTokens, casbinRule, folders, orgMembers } from '../db/schema/index.ts'
import {
  BadRequestError,
  ConflictError,
  type FieldError,
  NotFoundError,
  ValidationError,
} from '../errors.ts'
import { ACTIONS, type Action } from '../permissions.ts'
import { deleteMatching, findRules, insertRules } from './adapter.ts'
import { builtinRoleNames, policyFiles, type Rule } from './policy.ts'
import { requireAdmin } from './require.ts'

/**
 * Custom roles and their folder permissions, stored as Casbin rules (see policies/model.conf):
 *   g2, <role>, <org>                 the role exists in the org
 *   g, <object>/<action>, <role>, <org>   a folder permission granted to the role
 *   g, <other role>, <role>, <org>    the role includes everything the other role may do
 * Every change is one transaction, serialised per org, followed by a policy reload everywhere.
 */

export const ROLE_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/
export const GRANT_OBJECT_RE = /^(rfolder|dfolder):([A-Za-z0-9_-]{1,64}|\*)$/

export interface RoleInfo {
  name: string
  builtin: boolean
  /** Roles whose permissions this role includes. */
  inherits: string[]
}

export interface Permission {
  object: string
  actions: Action[]
}

const ROLE_NOT_FOUND = 'Role not found'

export function isBuiltinRole(name: string): boolean {
  return builtinRoleNames().includes(name)
}

/** A permission's member name in the `g` table: `rfolder:abc/update`. */
const permissionName = (object: string, action: string) => `${object}/${action}`

/** The `g` rules whose group is the role: its permissions and the roles it includes. */
function grantsOf(ctx: Ctx, name: string) {
  return and(eq(casbinRule.ptype, 'g'), eq(casbinRule.v1, name), eq(casbinRule.v2, ctx.org))
}

function isPermission(member: string): boolean {
  return member.includes('/')
}

/** Serialises role changes in one org, so concurrent edits cannot interleave their rows. */
async function lockOrg(ctx: Ctx, tx: Tx): Promise<void> {
  await ctx.database.rows(
    sql`select pg_advisory_xact_lock(hashtext('herald.authz'), hashtext(${ctx.org}))`,
    tx,
  )
}

async function customRoleNames(db: Tx, org: string): Promise<string[]> {
  const rows = await findRules(db, { ptype: 'g2', v1: org })
  return rows.map((r) => r[1]!)
}

async function requireCustomRole(ctx: Ctx, tx: Tx, name: string): Promise<void> {
  if (isBuiltinRole(name)) {
    throw new BadRequestError(`Built-in role ${name} cannot be modified or deleted`)
  }
  const found = await findRules(tx, { ptype: 'g2', v0: name, v1: ctx.org })
  if (found.length === 0) throw new NotFoundError(ROLE_NOT_FOUND)
}

/** 400 naming every role that is neither built in nor defined in the org. */
export async function assertKnownRoles(
  db: Tx,
  org: string,
  roles: readonly string[],
  field = 'roles',
): Promise<void> {
  const known = new Set([...builtinRoleNames(), ...(await customRoleNames(db, org))])
  const unknown = [...new Set(roles.filter((r) => !known.has(r)))]
  if (unknown.length) {
    throw new ValidationError([
      { name: field, description: `Unknown role(s): ${unknown.join(', ')}` },
    ])
  }
}

async function policyChanged(ctx: Ctx): Promise<void> {
  await ctx.onPolicyChanged?.()
}

export async function listRoles(ctx: Ctx): Promise<RoleInfo[]> {
  requireAdmin(ctx, 'list', 'list roles')
  const builtin = builtinRoleNames().map((name) => ({ name, builtin: true, inherits: [] }))
  const links = await findRules(ctx.database.db, { ptype: 'g', v2: ctx.org })
  const custom = (await customRoleNames(ctx.database.db, ctx.org)).map((name) => ({
    name,
    builtin: false,
    inherits: links.filter((r) => r[2] === name && !isPermission(r[1]!)).map((r) => r[1]!),
  }))
  return [...builtin, ...custom.sort((a, b) => a.name.localeCompare(b.name))]
}

function validateInherits(name: string, inherits: readonly string[]): void {
  if (inherits.includes(name)) {
    throw new ValidationError([{ name: 'inherits', description: 'A role cannot inherit itself' }])
  }
}

export async function createRole(
  ctx: Ctx,
  input: { name: string; inherits?: string[] },
): Promise<void> {
  requireAdmin(ctx, 'create', 'create roles')
  const name = input.name
  const inherits = [...new Set(input.inherits ?? [])]
  if (isBuiltinRole(name)) throw new ConflictError(`Role ${name} already exists (built in)`)
  validateInherits(name, inherits)
  await ctx.database.db.transaction(async (tx) => {
    await lockOrg(ctx, tx)
    if ((await findRules(tx, { ptype: 'g2', v0: name, v1: ctx.org })).length) {
      throw new ConflictError(`Role ${name} already exists`)
    }
    await assertKnownRoles(tx, ctx.org, inherits, 'inherits')
    await insertRules(tx, [
      ['g2', name, ctx.org],
      ...inherits.map((r): Rule => ['g', r, name, ctx.org]),
    ])
    await audit(ctx, 'role.create', `role:${name}`, { inherits }, tx)
  })
  await policyChanged(ctx)
}

/** Replaces the roles a custom role includes. */
export async function setRoleInherits(ctx: Ctx, name: string, inherits: string[]): Promise<void> {
  requireAdmin(ctx, 'update', 'change roles')
  const unique = [...new Set(inherits)]
  validateInherits(name, unique)
  await ctx.database.db.transaction(async (tx) => {
    await lockOrg(ctx, tx)
    await requireCustomRole(ctx, tx, name)
    await assertKnownRoles(tx, ctx.org, unique, 'inherits')
    await tx
      .delete(casbinRule)
      .where(and(grantsOf(ctx, name), sql`strpos(${casbinRule.v0}, '/') = 0`))
    await insertRules(
      tx,
      unique.map((r): Rule => ['g', r, name, ctx.org]),
    )
    await audit(ctx, 'role.update', `role:${name}`, { inherits: unique }, tx)
  })
  await policyChanged(ctx)
}

function builtinPermissions(name: string): Permission[] {
  const out: Permission[] = []
  for (const [ptype, sub, objects, actions] of policyFiles().builtin) {
    if (ptype !== 'p' || sub !== name) continue
    const acts = actions === '*' ? [...ACTIONS] : (actions!.split(' ') as Action[])
    const objs = objects === '*' ? ['*'] : objects!.split(' ')
    for (const object of objs) out.push({ object, actions: acts })
  }
  return out
}

/** Folder permissions of a role; for built-in roles, what policies/builtin.csv gives them. */
export async function getRolePermissions(ctx: Ctx, name: string): Promise<Permission[]> {
  requireAdmin(ctx, 'get', 'read roles')
  if (isBuiltinRole(name)) return builtinPermissions(name)
  const db = ctx.database.db
  if ((await findRules(db, { ptype: 'g2', v0: name, v1: ctx.org })).length === 0) {
    throw new NotFoundError(ROLE_NOT_FOUND)
  }
  const byObject = new Map<string, Set<string>>()
  for (const rule of await findRules(db, { ptype: 'g', v1: name, v2: ctx.org })) {
    const member = rule[1]!
    const slash = member.lastIndexOf('/')
    if (slash < 0) continue
    const object = member.slice(0, slash)
    const set = byObject.get(object) ?? new Set<string>()
    set.add(member.slice(slash + 1))
    byObject.set(object, set)
  }
  return [...byObject].map(([object, set]) => ({
    object,
    actions: ACTIONS.filter((a) => set.has(a)),
  }))
}

function validatePermissions(permissions: Permission[]): void {
  const errors: FieldError[] = []
  permissions.forEach((p, i) => {
    if (!GRANT_OBJECT_RE.test(p.object)) {
      errors.push({
        name: `[${i}].object`,
        description: `Expected rfolder:<id>, rfolder:*, dfolder:<id> or dfolder:*, got "${p.object}"`,
      })
    }
    if (p.object.startsWith('dfolder:') && p.actions.includes('trigger')) {
      errors.push({
        name: `[${i}].actions`,
        description: 'trigger applies to report folders (rfolder) only',
      })
    }
  })
  if (errors.length) throw new ValidationError(errors)
}

/** Every folder a permission names must exist in the org: 400 naming the missing ones. */
async function requireFolders(ctx: Ctx, tx: Tx, permissions: Permission[]): Promise<void> {
  const wanted = permissions
    .filter((p) => !p.object.endsWith(':*'))
    .map((p) => {
      const [kind, id] = p.object.split(':') as [string, string]
      return { object: p.object, type: kind === 'rfolder' ? 'reports' : 'dashboards', id }
    })
  if (!wanted.length) return
  const rows = await tx
    .select({ type: folders.type, id: folders.id })
    .from(folders)
    .where(
      and(
        eq(folders.org, ctx.org),
        inArray(
          folders.id,
          wanted.map((w) => w.id),
        ),
      ),
    )
  const have = new Set(rows.map((r) => `${r.type}:${r.id}`))
  const missing = wanted.filter((w) => !have.has(`${w.type}:${w.id}`)).map((w) => w.object)
  if (missing.length) {
    throw new ValidationError([
      { name: 'object', description: `Folder(s) not found: ${[...new Set(missing)].join(', ')}` },
    ])
  }
}

/** Replaces every folder permission of a custom role. */
export async function setRolePermissions(
  ctx: Ctx,
  name: string,
  permissions: Permission[],
): Promise<void> {
  requireAdmin(ctx, 'update', 'change roles')
  validatePermissions(permissions)
  const rules = new Map<string, Rule>()
  for (const p of permissions) {
    for (const action of p.actions) {
      const member = permissionName(p.object, action)
      rules.set(member, ['g', member, name, ctx.org])
    }
  }
  await ctx.database.db.transaction(async (tx) => {
    await lockOrg(ctx, tx)
    await requireCustomRole(ctx, tx, name)
    await requireFolders(ctx, tx, permissions)
    await tx
      .delete(casbinRule)
      .where(and(grantsOf(ctx, name), sql`strpos(${casbinRule.v0}, '/') > 0`))
    await insertRules(tx, [...rules.values()])
    await audit(ctx, 'role.permissions', `role:${name}`, { permissions }, tx)
  })
  await policyChanged(ctx)
}

/** Deletes a custom role, its grants, and takes it away from every member and token. */
export async function deleteRole(ctx: Ctx, name: string): Promise<void> {
  requireAdmin(ctx, 'delete', 'delete roles')
  await ctx.database.db.transaction(async (tx) => {
    await lockOrg(ctx, tx)
    await requireCustomRole(ctx, tx, name)
    await tx.delete(casbinRule).where(grantsOf(ctx, name))
    await deleteMatching(tx, { ptype: 'g', v0: name, v2: ctx.org })
    await deleteMatching(tx, { ptype: 'g2', v0: name, v1: ctx.org })
    // Otherwise a role created later under the same name would silently grant to them again.
    await tx
      .update(orgMembers)
      .set({ roles: sql`array_remove(${orgMembers.roles}, ${name})` })
      .where(and(eq(orgMembers.org, ctx.org), sql`${name} = any(${orgMembers.roles})`))
    await tx
      .update(apiTokens)
      .set({ roles: sql`array_remove(${apiTokens.roles}, ${name})` })
      .where(and(eq(apiTokens.org, ctx.org), sql`${name} = any(${apiTokens.roles})`))
    await audit(ctx, 'role.delete', `role:${name}`, {}, tx)
  })
  await policyChanged(ctx)
  // Tokens' roles were rewritten, and processes remember verified tokens with their roles.
  await ctx.onCredentialsChanged?.()
}

/**
 * Drops the grants naming a folder that is being deleted, inside the caller's transaction.
 * Returns whether any went, so the caller knows to reload the policy after commit.
 */
export async function removeFolderGrants(ctx: Ctx, tx: Tx, object: string): Promise<boolean> {
  const removed = await tx
    .delete(casbinRule)
    .where(
      and(
        eq(casbinRule.ptype, 'g'),
        eq(casbinRule.v2, ctx.org),
        sql`starts_with(${casbinRule.v0}, ${`${object}/`})`,
      ),
    )
    .returning({ id: casbinRule.id })
  return removed.length > 0
}
