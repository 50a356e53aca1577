import { randomBytes } from 'node:crypto'
import KSUID from 'ksuid'

// Random payloads are cut from a pooled buffer: one crypto call per 256 ids instead of one per id
// (a burst makes ten thousand run ids in a second; the per-call cost was most of an id's).
const POOL_BYTES = 16 * 256
let pool = Buffer.alloc(0)
let offset = 0

function payload(): Buffer {
  if (offset >= pool.length) {
    pool = randomBytes(POOL_BYTES)
    offset = 0
  }
  offset += 16
  return pool.subarray(offset - 16, offset)
}

/** 27-character, time-ordered ids for reports, runs, folders, dashboards, tokens. */
export function newId(): string {
  return KSUID.fromParts(Date.now(), payload()).string
}

export const ORG_ID_RE = /^[a-zA-Z0-9_-]{1,64}$/

/**
 * Path segments after /api that are API versions, never orgs: `/api/v2/reports` would otherwise
 * read as org `v2`'s OpenObserve v1 reports, and `/api/v1/{org}/…` is seed 000's.
 */
export const RESERVED_ORG_IDS: readonly string[] = ['v1', 'v2']
export const isReservedOrgId = (id: string) => RESERVED_ORG_IDS.includes(id.toLowerCase())
export const KSUID_RE = /^[0-9A-Za-z]{27}$/
