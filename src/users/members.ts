import { and, asc, eq, ne } from 'drizzle-orm'
import { audit } from '../audit/audit.ts'
import { hashPassword } from '../auth/passwords.ts'
import { AccessDeniedError, requireAdmin } from '../authz/require.ts'
import { assertKnownRoles } from '../authz/roles.ts'
import type { Ctx, Tx } from '../context.ts'
import { orgMembers, users } from '../db/schema/index.ts'
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts'
import { newId } from '../lib/ids.ts'
import { isUniqueViolation } from '../lib/sqlstate.ts'
import { ORG_OBJECT } from '../permissions.ts'

/** The members of an org and their roles there (admin API). */

export interface Member {
  email: string
  name: string
  roles: string[]
}

/** Tells whether an address belongs to the root user, whom org admins may never change. */
export type IsRoot = (email: string) => boolean

const USER_NOT_FOUND = 'User not found'

const normalise = (email: string) => email.trim().toLowerCase()

export async function listMembers(ctx: Ctx): Promise<Member[]> {
  requireAdmin(ctx, 'list', 'list users')
  return ctx.database.db
    .select({ email: users.email, name: users.name, roles: orgMembers.roles })
    .from(orgMembers)
    .innerJoin(users, eq(users.id, orgMembers.userId))
    .where(eq(orgMembers.org, ctx.org))
    .orderBy(asc(users.email))
}

async function findMember(ctx: Ctx, tx: Tx, email: string) {
  const [row] = await tx
    .select({ id: users.id, email: users.email, roles: orgMembers.roles })
    .from(orgMembers)
    .innerJoin(users, eq(users.id, orgMembers.userId))
    .where(and(eq(orgMembers.org, ctx.org), eq(users.email, normalise(email))))
    .for('update')
  if (!row) throw new NotFoundError(USER_NOT_FOUND)
  return row
}

function refuseRoot(email: string, isRoot: IsRoot): void {
  if (isRoot(email)) {
    throw new AccessDeniedError(
      ORG_OBJECT,
      'update',
      'The root user is admin of every org and cannot be changed here',
    )
  }
}

/**
 * Adds a user to the org. A new address creates the user (a password is required); an existing
 * one only gains the membership, keeping its name and password, which belong to the person and
 * not to this org.
 */
export async function addMember(
  ctx: Ctx,
  input: { email: string; name?: string; password?: string; roles: string[] },
  isRoot: IsRoot,
): Promise<string> {
  requireAdmin(ctx, 'create', 'add users')
  const email = normalise(input.email)
  refuseRoot(email, isRoot)
  // Hashing is deliberately slow: do it before taking locks.
  const passwordHash = input.password ? await hashPassword(input.password) : undefined
  try {
    return await ctx.database.db.transaction(async (tx) => {
      await assertKnownRoles(tx, ctx.org, input.roles)
      let [user] = await tx.select().from(users).where(eq(users.email, email))
      if (!user) {
        if (!passwordHash) {
          throw new ValidationError([
            { name: 'password', description: 'password is required for a new user' },
          ])
        }
        ;[user] = await tx
          .insert(users)
          .values({ id: newId(), email, name: input.name ?? '', passwordHash })
          .returning()
      }
      const added = await tx
        .insert(orgMembers)
        .values({ org: ctx.org, userId: user!.id, roles: input.roles })
        .onConflictDoNothing()
        .returning({ userId: orgMembers.userId })
      if (added.length === 0) {
        throw new ConflictError('User is already a member of this org; use PUT to change roles')
      }
      await audit(ctx, 'user.add', `user:${email}`, { roles: input.roles }, tx)
      return user!.id
    })
  } catch (err) {
    // Another request created the same address at the same moment.
    if (isUniqueViolation(err)) throw new ConflictError('User already exists')
    throw err
  }
}

/**
 * Changes a member's roles, and optionally its name and password. Name and password belong to
 * the person: an org admin may change them only for a user who is a member of no other org.
 */
export async function updateMember(
  ctx: Ctx,
  email: string,
  input: { roles?: string[]; name?: string; password?: string },
  isRoot: IsRoot,
): Promise<void> {
  requireAdmin(ctx, 'update', 'change users')
  refuseRoot(email, isRoot)
  const passwordHash = input.password ? await hashPassword(input.password) : undefined
  await ctx.database.db.transaction(async (tx) => {
    const member = await findMember(ctx, tx, email)
    if (input.roles) {
      await assertKnownRoles(tx, ctx.org, input.roles)
      await tx
        .update(orgMembers)
        .set({ roles: input.roles })
        .where(and(eq(orgMembers.org, ctx.org), eq(orgMembers.userId, member.id)))
    }
    if (input.name !== undefined || passwordHash) {
      const elsewhere = await tx
        .select({ org: orgMembers.org })
        .from(orgMembers)
        .where(and(eq(orgMembers.userId, member.id), ne(orgMembers.org, ctx.org)))
        .limit(1)
      if (elsewhere.length && !ctx.actor.root) {
        throw new AccessDeniedError(
          ORG_OBJECT,
          'update',
          'This user belongs to other orgs too; only the root user may change their name or password',
        )
      }
      await tx
        .update(users)
        .set({
          ...(input.name !== undefined ? { name: input.name } : {}),
          ...(passwordHash ? { passwordHash } : {}),
        })
        .where(eq(users.id, member.id))
    }
    await audit(
      ctx,
      'user.update',
      `user:${member.email}`,
      { roles: input.roles, name: input.name, password: passwordHash ? 'changed' : undefined },
      tx,
    )
  })
}

/** Removes the user from the org; the user itself stays (it may belong to other orgs). */
export async function removeMember(ctx: Ctx, email: string): Promise<void> {
  requireAdmin(ctx, 'delete', 'remove users')
  await ctx.database.db.transaction(async (tx) => {
    const member = await findMember(ctx, tx, email)
    await tx
      .delete(orgMembers)
      .where(and(eq(orgMembers.org, ctx.org), eq(orgMembers.userId, member.id)))
    await audit(ctx, 'user.remove', `user:${member.email}`, {}, tx)
  })
}
