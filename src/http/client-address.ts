import { getConnInfo } from '@hono/node-server/conninfo'
import type { Context } from 'hono'
import { UNKNOWN_ADDRESS } from '../auth/principal.ts'
import type { AppEnv } from './env.ts'

/**
 * The client's address, for counting failed sign-ins: the socket's peer, or — only when the
 * operator says a proxy in front sets it (HERALD_TRUST_PROXY) — X-Forwarded-For's first hop.
 * Trusting the header without a proxy would let a guesser pick a fresh address per try.
 */
export function clientAddress(c: Context<AppEnv>): string {
  if (c.get('deps').config.trustProxy) {
    const first = c.req.header('x-forwarded-for')?.split(',')[0]?.trim()
    if (first) return first.slice(0, 64)
  }
  try {
    return getConnInfo(c).remote.address ?? UNKNOWN_ADDRESS
  } catch {
    // No socket: a request handed to app.fetch directly (tests, embedding).
    return UNKNOWN_ADDRESS
  }
}
