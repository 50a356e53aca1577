import { eq } from 'drizzle-orm'
import type { Principal } from '../context.ts'
import type { Database } from '../db/client.ts'
import { orgMembers } from '../db/schema/index.ts'
import { listOrgs } from './orgs.ts'

export async function describeMe(database: Database, principal: Principal) {
  let orgs: { org: string; roles: string[] }[]
  if (principal.root) {
    orgs = (await listOrgs(database)).map((o) => ({ org: o.id, roles: ['admin'] }))
  } else if (principal.kind === 'token') {
    orgs = [{ org: principal.tokenOrg ?? '', roles: principal.tokenRoles ?? [] }]
  } else {
    const rows = await database.db
      .select({ org: orgMembers.org, roles: orgMembers.roles })
      .from(orgMembers)
      .where(eq(orgMembers.userId, principal.id))
    orgs = rows
  }
  return { email: principal.email, kind: principal.kind, root: principal.root, orgs }
}
