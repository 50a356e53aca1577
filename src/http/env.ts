import type { Logger } from 'pino'
import type { Authenticator } from '../auth/principal.ts'
import type { Clock } from '../clock.ts'
import type { Config } from '../config.ts'
import type { Ctx, Database, Principal } from '../context.ts'
import type { Datasources } from '../datasources/registry.ts'
import type { LinkSigner } from '../delivery/links.ts'
import type { Metrics } from '../metrics.ts'
import type { Guard } from '../permissions.ts'
import type { Renderer } from '../render/pool.ts'
import type { RunWaiter } from '../runs/waiter.ts'

/** Everything the HTTP layer is built from; tests build their own. */
export interface AppDeps {
  database: Database
  config: Pick<Config, 'rbac' | 'publicUrl' | 'metricsToken'> & { trustProxy?: boolean }
  clock: Clock
  log: Logger
  authenticator: Authenticator
  /** Authorization decisions for a principal with these roles in an org. */
  guardFor(principal: Principal, org: string, roles: string[]): Guard
  /** Readiness beyond "the process is up": database reachable, migrations applied. */
  ready(): Promise<boolean>
  onReportsChanged?: () => void
  /** Reloads this process's authorization policy and tells the others to (see src/authz). */
  onPolicyChanged?: () => Promise<void>
  /** Lets trigger requests wait for their run to finish. */
  waiter: RunWaiter
  metrics?: Metrics
  /** Checks signed download links (/dl/…); without it they answer 503. */
  links?: LinkSigner
  /** Panel queries (previews) and datasource pools; without it those endpoints answer 503. */
  datasources?: Datasources
  /** Draws previews (PDF, PNG) in the render threads; without it those answer 503. */
  renderer?: Renderer
}

export interface AppEnv {
  Variables: {
    requestId: string
    log: Logger
    deps: AppDeps
    principal: Principal
    ctx: Ctx
    /** The envelope's spelling for this route family (see errorStyle in errors.ts). */
    errorStyle?: 'herald' | 'seed000'
  }
}
