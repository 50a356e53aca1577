import { describe, expect, it } from 'vitest'
import { type TokenRow, VerifiedTokens } from '../../../src/auth/verified-tokens.ts'

const row = (id: string, expiresAt: Date | null = null): TokenRow => ({
  id,
  org: 'acme',
  name: 'ci',
  secretHash: 'ab'.repeat(32),
  roles: ['runner'],
  expiresAt,
})

describe('verified tokens', () => {
  it('keeps a row until its TTL, and never past the token expiry', () => {
    const tokens = new VerifiedTokens(10_000)
    tokens.put(tokens.begin(), row('a'), 0)
    tokens.put(tokens.begin(), row('b', new Date(3_000)), 0)
    expect(tokens.get('a', 9_999)?.row.id).toBe('a')
    expect(tokens.get('a', 10_000)).toBeUndefined()
    expect(tokens.get('b', 2_999)?.row.id).toBe('b')
    expect(tokens.get('b', 3_000)).toBeUndefined()
  })

  it('forgets one token or all of them', () => {
    const tokens = new VerifiedTokens()
    tokens.put(tokens.begin(), row('a'), 0)
    tokens.put(tokens.begin(), row('b'), 0)
    tokens.forget('a')
    expect(tokens.get('a', 1)).toBeUndefined()
    expect(tokens.get('b', 1)).toBeDefined()
    tokens.forget()
    expect(tokens.get('b', 1)).toBeUndefined()
  })

  it('does not store a row read before an invalidation that arrived while it was read', () => {
    const tokens = new VerifiedTokens()
    const started = tokens.begin()
    // The revocation commits and is announced while the lookup is in flight.
    tokens.forget('a')
    const verified = tokens.put(started, row('a'), 0)
    expect(verified.row.id).toBe('a')
    expect(tokens.get('a', 1)).toBeUndefined()
    // A lookup that began after it is remembered again.
    tokens.put(tokens.begin(), row('a'), 0)
    expect(tokens.get('a', 1)).toBeDefined()
  })
})
