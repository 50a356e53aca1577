import { and, desc, eq } from 'drizzle-orm'
import { audit } from '../audit/audit.ts'
import { requireAdmin } from '../authz/require.ts'
import { assertKnownRoles } from '../authz/roles.ts'
import type { Ctx } from '../context.ts'
import { apiTokens } from '../db/schema/index.ts'
import { NotFoundError } from '../errors.ts'
import { newId } from '../lib/ids.ts'
import { mintToken } from './tokens.ts'

export interface TokenInfo {
  id: string
  name: string
  roles: string[]
  created_by: string
  created_at: string
  expires_at: string | null
  last_used_at: string | null
}

/** Creates a token; its secret is returned here once and only its hash is kept. */
export async function createToken(
  ctx: Ctx,
  input: { name: string; roles?: string[]; expiresAt?: Date },
): Promise<{ id: string; token: string }> {
  requireAdmin(ctx, 'create', 'create tokens')
  const id = newId()
  const minted = mintToken(id)
  await ctx.database.db.transaction(async (tx) => {
    if (input.roles) await assertKnownRoles(tx, ctx.org, input.roles)
    await tx.insert(apiTokens).values({
      id,
      org: ctx.org,
      name: input.name,
      secretHash: minted.secretHash,
      prefix: minted.prefix,
      // Without roles a token acts with its creator's roles in the org.
      roles: input.roles ?? ctx.roles,
      createdBy: ctx.actor.email,
      expiresAt: input.expiresAt,
    })
    await audit(ctx, 'token.create', `token:${id}`, { name: input.name, roles: input.roles }, tx)
  })
  return { id, token: minted.token }
}

export async function listTokens(ctx: Ctx): Promise<TokenInfo[]> {
  requireAdmin(ctx, 'list', 'list tokens')
  const rows = await ctx.database.db
    .select()
    .from(apiTokens)
    .where(eq(apiTokens.org, ctx.org))
    .orderBy(desc(apiTokens.createdAt))
  return rows.map((t) => ({
    id: t.id,
    name: t.name,
    roles: t.roles,
    created_by: t.createdBy,
    created_at: t.createdAt.toISOString(),
    expires_at: t.expiresAt?.toISOString() ?? null,
    last_used_at: t.lastUsedAt?.toISOString() ?? null,
  }))
}

export async function revokeToken(ctx: Ctx, id: string): Promise<void> {
  requireAdmin(ctx, 'delete', 'revoke tokens')
  await ctx.database.db.transaction(async (tx) => {
    const rows = await tx
      .delete(apiTokens)
      .where(and(eq(apiTokens.org, ctx.org), eq(apiTokens.id, id)))
      .returning({ id: apiTokens.id })
    if (rows.length === 0) throw new NotFoundError('Token not found')
    await audit(ctx, 'token.revoke', `token:${id}`, {}, tx)
  })
  // Processes remember verified tokens for a few seconds: they must forget this one now.
  await ctx.onCredentialsChanged?.(id)
}
