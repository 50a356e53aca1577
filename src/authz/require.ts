import type { Ctx } from '../context.ts'
import { type DomainError, ForbiddenError, NotFoundError } from '../errors.ts'
import {
  ACTIONS,
  type Action,
  dashboardFolder,
  type Guard,
  ORG_OBJECT,
  reportFolder,
} from '../permissions.ts'

/** A refusal by the authorization rules: 403, and what was refused, for the audit log. */
export class AccessDeniedError extends ForbiddenError {
  constructor(
    readonly object: string,
    readonly action: string,
    message = `You may not ${action} in ${object}`,
  ) {
    super(message)
  }
}

/**
 * The one rule for objects inside folders: what the actor may not even list does not exist for
 * them (404, no existence leak); what they may list but not act on is 403. `notFound` is the
 * message of the 404, or the error an absent object would raise, so both look the same.
 */
export function requireOn(
  ctx: Ctx,
  object: string,
  action: Action,
  notFound: string | (() => DomainError),
): void {
  if (ctx.guard.can(object, action)) return
  if (!ctx.guard.can(object, 'list')) {
    throw typeof notFound === 'string' ? new NotFoundError(notFound) : notFound()
  }
  throw new AccessDeniedError(object, action)
}

/** Org-level actions (folders, users, roles, tokens): admins only. */
export function requireAdmin(ctx: Ctx, action: Action, what: string): void {
  if (!ctx.guard.can(ORG_OBJECT, action)) {
    throw new AccessDeniedError(ORG_OBJECT, action, `Only org admins may ${what}`)
  }
}

/** The object a folder of either type is authorized as. */
export function folderObject(type: 'reports' | 'dashboards', folderId: string): string {
  return type === 'reports' ? reportFolder(folderId) : dashboardFolder(folderId)
}

/**
 * Every action the guard allows on the object, in vocabulary order: the same decisions the
 * routes make with requireOn and requireAdmin, asked ahead of time (GET /api/v2/me).
 */
export function allowedActions(guard: Guard, object: string): Action[] {
  return ACTIONS.filter((action) => guard.can(object, action))
}
