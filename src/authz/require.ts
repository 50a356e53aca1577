import type { Ctx } from '../context.ts'
import { ForbiddenError, NotFoundError } from '../errors.ts'
import type { Action } from './vocabulary.ts'

/**
 * The one rule for objects inside folders: what the actor may not even list does not exist for
 * them (404, no existence leak); what they may list but not act on is 403.
 */
export function requireOn(ctx: Ctx, object: string, action: Action, notFound: string): void {
  if (!ctx.guard.can(object, 'list') && !ctx.guard.can(object, action)) {
    throw new NotFoundError(notFound)
  }
  if (!ctx.guard.can(object, action)) {
    throw new ForbiddenError(`You may not ${action} in ${object}`)
  }
}
