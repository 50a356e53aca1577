import type { Ctx, Tx } from '../context.ts'
import { auditLog } from '../db/schema/index.ts'

/** Records a write (or a denial) in the audit log, inside the caller's transaction when given. */
export async function audit(
  ctx: Ctx,
  action: string,
  target: string,
  details: Record<string, unknown> = {},
  tx?: Tx,
): Promise<void> {
  await (tx ?? ctx.database.db).insert(auditLog).values({
    org: ctx.org,
    actor: ctx.actor.email,
    action,
    target,
    details,
  })
}
