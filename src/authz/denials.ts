import type { Principal } from '../context.ts'
import type { Database } from '../db/client.ts'
import { auditLog } from '../db/schema/index.ts'

export interface Denial {
  org: string
  actor: Principal
  object: string
  action: string
  method: string
  path: string
}

/**
 * Records a refused request in the audit log. Written on its own, after the request's
 * transaction has rolled back, so the refusal is kept even though nothing else was.
 */
export async function auditDenial(database: Database, d: Denial): Promise<void> {
  await database.db.insert(auditLog).values({
    org: d.org,
    actor: d.actor.email,
    action: 'authz.denied',
    target: d.object,
    details: {
      action: d.action,
      method: d.method,
      path: d.path,
      principal: `${d.actor.kind}:${d.actor.id}`,
    },
  })
}
