import { describe, expect, it } from 'vitest'
import { mergeVariables } from '../../../src/dashboards/render.ts'
import { QueryTimeoutError } from '../../../src/datasources/connection.ts'
import { maskUrl } from '../../../src/datasources/model.ts'
import { intervalFor, isTransient, pgTimeZone } from '../../../src/datasources/query.ts'
import { SecretBox, SecretUnreadableError } from '../../../src/datasources/secret-box.ts'
import { rangeLabel } from '../../../src/timerange/index.ts'

describe('SecretBox', () => {
  const box = new SecretBox('a-server-secret-of-at-least-32-chars!!')
  const url = 'postgres://u:p4ss@h/db'

  it('round-trips, with a fresh IV each time', () => {
    const a = box.seal(url, 'ds1')
    expect(a).toMatch(/^v1\./)
    expect(a).not.toContain('p4ss')
    expect(box.seal(url, 'ds1')).not.toBe(a)
    expect(box.open(a, 'ds1')).toBe(url)
  })

  it('refuses another row, another secret and tampering', () => {
    const sealed = box.seal(url, 'ds1')
    expect(() => box.open(sealed, 'ds2')).toThrow(SecretUnreadableError)
    const other = new SecretBox('another-server-secret-of-32-chars!!!')
    expect(() => other.open(sealed, 'ds1')).toThrow(/HERALD_SECRET/)
    const raw = Buffer.from(sealed.slice(3), 'base64url')
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1
    expect(() => box.open(`v1.${raw.toString('base64url')}`, 'ds1')).toThrow(SecretUnreadableError)
    expect(() => box.open('v2.abc', 'ds1')).toThrow(SecretUnreadableError)
  })
})

describe('maskUrl', () => {
  it('masks the password in the authority and in parameters', () => {
    expect(maskUrl('postgres://me:secret@db:5432/x?sslmode=require')).toBe(
      'postgres://me:*****@db:5432/x?sslmode=require',
    )
    expect(maskUrl('postgres://db/x?user=me&password=secret')).toBe(
      'postgres://db/x?user=me&password=*****',
    )
    expect(maskUrl('postgres://db/x')).toBe('postgres://db/x')
    expect(maskUrl('not a url')).toBe('*****')
  })
})

describe('pgTimeZone', () => {
  it('keeps IANA names and writes fixed offsets in POSIX form (reversed sign)', () => {
    expect(pgTimeZone('Asia/Kolkata')).toBe('Asia/Kolkata')
    expect(pgTimeZone('UTC')).toBe('UTC')
    expect(pgTimeZone('UTC+5:30')).toBe('<+0530>-05:30')
    expect(pgTimeZone('UTC-3:30')).toBe('<-0330>+03:30')
    expect(pgTimeZone('Not/AZone')).toBe('UTC')
  })
})

describe('intervalFor', () => {
  const from = new Date('2026-01-01T00:00:00Z')
  const plus = (ms: number) => new Date(from.getTime() + ms)
  it('picks a round bucket giving at most ~200 points', () => {
    expect(intervalFor(from, plus(30 * 60_000))).toBe(10)
    expect(intervalFor(from, plus(86_400_000))).toBe(600)
    expect(intervalFor(from, plus(30 * 86_400_000))).toBe(6 * 3600)
    expect(intervalFor(from, plus(3650 * 86_400_000))).toBe(30 * 86_400)
  })
})

describe('mergeVariables', () => {
  const defs = [
    { name: 'country', value: ['A', 'B', 'C'] },
    { name: 'plan', value: 'free' },
  ]
  it('layers dashboard defaults, report entries and run overrides', () => {
    expect(mergeVariables(defs)).toEqual({ country: ['A', 'B', 'C'], plan: 'free' })
    expect(mergeVariables(defs, [{ key: 'country', value: 'B' }])).toEqual({
      country: ['B'],
      plan: 'free',
    })
    expect(
      mergeVariables(
        defs,
        [
          { key: 'country', value: 'A' },
          { key: 'country', value: 'C' },
          { key: 'plan', value: 'pro' },
        ],
        { plan: 'team' },
      ),
    ).toEqual({ country: ['A', 'C'], plan: 'team' })
    expect(mergeVariables(defs, [], { country: 'Z', extra: ['x'] })).toEqual({
      country: ['Z'],
      plan: 'free',
      extra: ['x'],
    })
  })
})

describe('isTransient', () => {
  it('retries connection trouble, not SQL errors, timeouts or config mistakes', () => {
    expect(isTransient(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(true)
    expect(isTransient(Object.assign(new Error('x'), { code: '08006' }))).toBe(true)
    expect(isTransient(Object.assign(new Error('x'), { code: '57P01' }))).toBe(true)
    expect(isTransient(Object.assign(new Error('x'), { code: '42P01' }))).toBe(false)
    expect(isTransient(Object.assign(new Error('x'), { code: '25006' }))).toBe(false)
    expect(isTransient(Object.assign(new Error('x'), { code: '28P01' }))).toBe(false)
    expect(isTransient(new QueryTimeoutError(1000))).toBe(false)
  })
})

describe('rangeLabel', () => {
  it('shows the range in the report zone', () => {
    const from = Date.parse('2026-11-22T10:00:00Z')
    const to = Date.parse('2026-11-23T10:00:00Z')
    expect(rangeLabel(from, to, 'Asia/Kolkata')).toBe(
      '2026-11-22 15:30 – 2026-11-23 15:30 (Asia/Kolkata)',
    )
  })
})
