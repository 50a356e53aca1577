import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import type { Principal } from '../context.ts'
import type { Database } from '../db/client.ts'
import { type Action, allowAll, type Guard } from '../permissions.ts'
import { DrizzleAdapter, rulesFingerprint } from './adapter.ts'
import { buildEnforcer, Policy, type PolicyFiles, policyFiles } from './policy.ts'

/** Where a process announces that it changed the stored grants. */
export const AUTHZ_CHANNEL = 'herald_authz'

export interface AuthorizerOptions {
  log?: Logger
  /** Fallback for missed notifications (a dropped LISTEN connection): compare a fingerprint. */
  pollMs?: number
  files?: PolicyFiles
}

/**
 * The process's Casbin enforcer and everything that keeps it current. A reload builds a new
 * enforcer and swaps it in whole: Casbin's own loadPolicy clears the live model first, so checks
 * running meanwhile would see no grants at all.
 */
export class Authorizer {
  private policy!: Policy
  private readonly id = randomUUID()
  private requested = 0
  private loaded = 0
  private running: Promise<void> | null = null
  private fingerprint = ''
  private unlisten: (() => Promise<void>) | undefined
  private timer: NodeJS.Timeout | undefined
  private closed = false

  private constructor(
    private database: Database,
    private files: PolicyFiles,
    private log: Logger | undefined,
  ) {}

  /** Loads the policy and starts following changes made by other processes. */
  static async open(database: Database, opts: AuthorizerOptions = {}): Promise<Authorizer> {
    const authz = new Authorizer(database, opts.files ?? policyFiles(), opts.log)
    // Listen before loading, so a change committed in between is not missed.
    authz.unlisten = await database.listen(AUTHZ_CHANNEL, (payload) => {
      if (payload !== authz.id) authz.reloadInBackground('notified')
    })
    try {
      await authz.reload()
    } catch (err) {
      await authz.close()
      throw err
    }
    const pollMs = opts.pollMs ?? 10_000
    if (pollMs > 0) {
      authz.timer = setInterval(() => void authz.poll(), pollMs)
      authz.timer.unref()
    }
    return authz
  }

  /** Whether any of these roles may do the action to the object in the org. */
  check(roles: readonly string[], org: string, object: string, action: Action): boolean {
    return decide(this.policy, roles, org, object, action)
  }

  /**
   * Decisions for one request. The policy is fixed when the request starts, so a reload in the
   * middle cannot make one request see two policies; the policy remembers its answers.
   */
  guardFor(principal: Principal, org: string, roles: readonly string[]): Guard {
    // The root user is admin of every org whatever the stored grants say.
    if (principal.root) return allowAll
    return new PolicyGuard(this.policy, roles, org)
  }

  /**
   * Called after a change to the grants commits: this process reloads before the change is
   * acknowledged, then tells every other process to reload.
   */
  async changed(): Promise<void> {
    await this.reload()
    await this.database.notify(AUTHZ_CHANNEL, this.id)
  }

  /** Rebuilds the enforcer from the database; resolves once a load that began after the call is in. */
  async reload(): Promise<void> {
    const wanted = ++this.requested
    while (this.loaded < wanted) {
      this.running ??= this.loadOnce().finally(() => {
        this.running = null
      })
      await this.running
    }
  }

  async close(): Promise<void> {
    this.closed = true
    if (this.timer) clearInterval(this.timer)
    await this.unlisten?.().catch(() => {})
    await this.running?.catch(() => {})
  }

  private async loadOnce(): Promise<void> {
    const generation = this.requested
    const fingerprint = await rulesFingerprint(this.database)
    const enforcer = await buildEnforcer(
      new DrizzleAdapter(this.database, this.files.builtin),
      this.files.model,
    )
    this.policy = new Policy(enforcer, this.files.builtin)
    this.fingerprint = fingerprint
    this.loaded = generation
  }

  private reloadInBackground(reason: string): void {
    if (this.closed) return
    this.reload().then(
      () => this.log?.debug({ reason }, 'authorization policy reloaded'),
      (err) => this.log?.error({ err, reason }, 'authorization policy reload failed'),
    )
  }

  private async poll(): Promise<void> {
    if (this.closed || this.running) return
    try {
      if ((await rulesFingerprint(this.database)) !== this.fingerprint) {
        this.reloadInBackground('fingerprint changed')
      }
    } catch (err) {
      this.log?.warn({ err }, 'authorization policy check failed')
    }
  }
}

/**
 * A class rather than an object literal with a closure: the TypeScript loader names every
 * function it creates (keepNames), a defineProperty per request for a closure made per request.
 */
class PolicyGuard implements Guard {
  constructor(
    private readonly policy: Policy,
    private readonly roles: readonly string[],
    private readonly org: string,
  ) {}

  can(object: string, action: Action): boolean {
    return decide(this.policy, this.roles, this.org, object, action)
  }
}

function decide(
  policy: Policy,
  roles: readonly string[],
  org: string,
  object: string,
  action: Action,
): boolean {
  for (const role of roles) if (policy.allows(role, org, object, action)) return true
  return false
}

/**
 * The guard factory of DESIGN §7: Casbin decides when RBAC is on; with HERALD_RBAC=off every
 * member may do anything in its org, as in open-source OpenObserve (non-members never get a
 * guard: they are refused before one is built).
 */
export function guardFactory(authz: Authorizer | undefined, rbac: boolean) {
  if (rbac && !authz) throw new Error('guardFactory: RBAC is on but there is no Authorizer')
  return (principal: Principal, org: string, roles: string[]): Guard =>
    rbac && authz ? authz.guardFor(principal, org, roles) : allowAll
}
