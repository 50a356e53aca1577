import { and, eq, sql } from 'drizzle-orm'
import { preparedPerDatabase } from '../db/prepared.ts'
import { apiTokens, orgMembers, users } from '../db/schema/index.ts'

/** Prepared statements of authentication, which every request runs (see src/db/prepared.ts). */

export const tokenById = preparedPerDatabase((db) =>
  db
    .select({
      id: apiTokens.id,
      org: apiTokens.org,
      name: apiTokens.name,
      secretHash: apiTokens.secretHash,
      roles: apiTokens.roles,
      expiresAt: apiTokens.expiresAt,
    })
    .from(apiTokens)
    .where(eq(apiTokens.id, sql.placeholder('id')))
    .prepare('token_by_id'),
)

export const userByEmail = preparedPerDatabase((db) =>
  db
    .select()
    .from(users)
    .where(eq(users.email, sql.placeholder('email')))
    .prepare('user_by_email'),
)

export const memberRoles = preparedPerDatabase((db) =>
  db
    .select({ roles: orgMembers.roles })
    .from(orgMembers)
    .where(
      and(
        eq(orgMembers.org, sql.placeholder('org')),
        eq(orgMembers.userId, sql.placeholder('user')),
      ),
    )
    .prepare('member_roles'),
)
