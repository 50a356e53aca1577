import type { Clock } from './clock.ts'
import type { Database, Executor } from './db/client.ts'
import type { Guard } from './permissions.ts'

export type { Database }

/** Who is acting. Tokens act with their own roles; the root user is admin of every org. */
export interface Principal {
  kind: 'user' | 'token'
  id: string
  email: string
  root: boolean
  /** For tokens: the org the token belongs to. */
  tokenOrg?: string
  tokenRoles?: string[]
}

/** What a domain function needs: the database, the clock, and who acts in which org. */
export interface Ctx {
  database: Database
  clock: Clock
  org: string
  actor: Principal
  /** Roles of the actor in `org`. */
  roles: string[]
  /** Authorization decisions for this actor in this org. */
  guard: Guard
  /**
   * Drops a report's runs queued ahead of their slot when its schedule changes. Run state is
   * written only by runs/, which itself reads reports; reports/ reaches it through the context
   * so that neither folder imports the other.
   */
  discardUpcomingRuns: (tx: Tx, reportId: string, nowMs: number) => Promise<void>
  /** Called after a change to reports commits, so schedulers wake (LISTEN/NOTIFY). */
  onReportsChanged?: () => void
  /** Called after a change to grants or roles commits, so every process reloads its policy. */
  onPolicyChanged?: () => Promise<void>
  /**
   * Called after stored credentials change (one token revoked, or any when `tokenId` is
   * undefined), so every process forgets what it verified before.
   */
  onCredentialsChanged?: (tokenId?: string) => Promise<void>
}

export type Tx = Executor
