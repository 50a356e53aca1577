import { and, eq } from 'drizzle-orm'
import { hashPassword } from '../auth/passwords.ts'
import type { Database } from '../db/client.ts'
import { orgMembers, users } from '../db/schema/index.ts'
import { ConflictError } from '../errors.ts'
import { newId } from '../lib/ids.ts'
import { isUniqueViolation } from '../lib/sqlstate.ts'
import { ensureOrg } from '../orgs/orgs.ts'

export async function createUser(
  database: Database,
  input: { email: string; name?: string; password: string },
): Promise<string> {
  const id = newId()
  try {
    await database.db.insert(users).values({
      id,
      email: input.email.trim().toLowerCase(),
      name: input.name ?? '',
      passwordHash: await hashPassword(input.password),
    })
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError('User already exists')
    throw err
  }
  return id
}

export async function findUserByEmail(database: Database, email: string) {
  const [row] = await database.db
    .select()
    .from(users)
    .where(eq(users.email, email.trim().toLowerCase()))
  return row
}

/** Adds the user to the org with these roles, or replaces its roles there. */
export async function setMembership(
  database: Database,
  org: string,
  userId: string,
  roles: string[],
): Promise<void> {
  await ensureOrg(database, org)
  await database.db
    .insert(orgMembers)
    .values({ org, userId, roles })
    .onConflictDoUpdate({ target: [orgMembers.org, orgMembers.userId], set: { roles } })
}

export async function removeMembership(
  database: Database,
  org: string,
  userId: string,
): Promise<boolean> {
  const rows = await database.db
    .delete(orgMembers)
    .where(and(eq(orgMembers.org, org), eq(orgMembers.userId, userId)))
    .returning({ userId: orgMembers.userId })
  return rows.length > 0
}
