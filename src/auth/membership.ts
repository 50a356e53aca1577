import type { Principal } from '../context.ts'
import type { Database } from '../db/client.ts'
import { memberRoles } from './statements.ts'

/**
 * The actor's roles in an org, or null when it is not a member. The root user is admin of every
 * org; a token belongs to exactly one org.
 */
export async function rolesInOrg(
  database: Database,
  principal: Principal,
  org: string,
): Promise<string[] | null> {
  if (principal.root) return ['admin']
  if (principal.kind === 'token')
    return principal.tokenOrg === org ? (principal.tokenRoles ?? []) : null
  const [row] = await memberRoles(database).execute({ org, user: principal.id })
  return row ? row.roles : null
}
