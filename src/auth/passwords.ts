import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'

/**
 * scrypt is memory-hard and built into Node, so no native dependency is needed.
 * N=2^15, r=8 costs 32 MiB and tens of milliseconds per hash; sign-ins are cached by
 * the credential cache, so this cost is paid once per client rather than per request.
 */
const N = 2 ** 15
const R = 8
const P = 1
const KEYLEN = 32
const MAXMEM = 64 * 1024 * 1024

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEYLEN, { N: n, r, p, maxmem: MAXMEM }, (err, key) =>
      err ? reject(err) : resolve(key),
    )
  })
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await derive(password, salt, N, R, P)
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, key] = stored.split('$')
  if (alg !== 'scrypt' || !n || !r || !p || !salt || !key) return false
  const expected = Buffer.from(key, 'base64')
  const actual = await derive(password, Buffer.from(salt, 'base64'), +n, +r, +p)
  return actual.length === expected.length && timingSafeEqual(actual, expected)
}

/**
 * A hash no password matches, with the same cost as real ones: an unknown account is checked
 * against it so it takes as long to refuse as a wrong password for a known one.
 */
const NOTHING = `scrypt$${N}$${R}$${P}$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(KEYLEN).toString('base64')}`

/** Spends a real verification's time and answers false. */
export async function verifyNothing(password: string): Promise<false> {
  await verifyPassword(password, NOTHING)
  return false
}

export function generatePassword(): string {
  return randomBytes(18).toString('base64url')
}
