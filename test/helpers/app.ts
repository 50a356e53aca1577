import { pino } from 'pino'
import { createApp } from '../../src/app.ts'
import { bootstrapRoot } from '../../src/auth/bootstrap.ts'
import { Authenticator } from '../../src/auth/principal.ts'
import { allowAll, type Guard } from '../../src/authz/vocabulary.ts'
import { FakeClock } from '../../src/clock.ts'
import type { Principal } from '../../src/context.ts'
import { RunWaiter } from '../../src/runs/waiter.ts'
import { createUser, setMembership } from '../../src/users/users.ts'
import { createTestDatabase, type TestDatabase } from './db.ts'

export const ROOT_EMAIL = 'root@herald.test'
export const ROOT_PASSWORD = 'root-password-123'

export function basic(email: string, password: string): string {
  return `Basic ${Buffer.from(`${email}:${password}`).toString('base64')}`
}

export interface Res {
  status: number
  // biome-ignore lint/suspicious/noExplicitAny: tests inspect arbitrary JSON
  body: any
  headers: Headers
  text: string
}

export interface TestApp {
  tdb: TestDatabase
  clock: FakeClock
  app: ReturnType<typeof createApp>
  root: string
  request(
    method: string,
    path: string,
    opts?: { body?: unknown; auth?: string | null; headers?: Record<string, string>; raw?: string },
  ): Promise<Res>
  /** A user who is a member of `org` with these roles; returns its Authorization header. */
  member(org: string, roles?: string[], email?: string): Promise<string>
  close(): Promise<void>
}

let counter = 0

export async function createTestApp(
  opts: { now?: number; guardFor?: (p: Principal, org: string, roles: string[]) => Guard } = {},
): Promise<TestApp> {
  const tdb = await createTestDatabase()
  const { database } = tdb
  const log = pino({ level: 'silent' })
  const clock = new FakeClock(opts.now ?? Date.parse('2026-11-23T10:00:00Z'))
  await bootstrapRoot(database, ROOT_EMAIL, ROOT_PASSWORD, log)
  const app = createApp({
    database,
    config: { rbac: true, publicUrl: 'http://herald.test' },
    clock,
    log,
    authenticator: new Authenticator(database, ROOT_EMAIL),
    guardFor: opts.guardFor ?? (() => allowAll),
    waiter: new RunWaiter(database),
    ready: async () => {
      await database.ping()
      return true
    },
  })
  const root = basic(ROOT_EMAIL, ROOT_PASSWORD)
  const request: TestApp['request'] = async (method, path, o = {}) => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) }
    const auth = o.auth === undefined ? root : o.auth
    if (auth) headers.authorization = auth
    let body: string | undefined
    if (o.raw !== undefined) body = o.raw
    else if (o.body !== undefined) {
      body = JSON.stringify(o.body)
      headers['content-type'] ??= 'application/json'
    }
    const res = await app.request(path, { method, headers, body })
    const text = await res.text()
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      json = undefined
    }
    return { status: res.status, body: json, headers: res.headers, text }
  }
  return {
    tdb,
    clock,
    app,
    root,
    request,
    async member(org, roles = ['editor'], email) {
      const address = email ?? `user${++counter}-${Date.now()}@herald.test`
      const id = await createUser(database, { email: address, password: 'password-123' })
      await setMembership(database, org, id, roles)
      return basic(address, 'password-123')
    },
    close: () => tdb.close(),
  }
}
