import { DateTime } from 'luxon'
import type { FieldError } from '../errors.ts'
import type { BindValue, RawValue } from '../render/bind-query.ts'
import { PhraseError, resolvePhrase } from '../timerange/index.ts'
import type { Variable } from './model.ts'

/**
 * Typed dashboard variables. A variable whose `type` is one of VALUE_TYPES is checked wherever a
 * value enters (report save, trigger, runs, generate, the v1 run) and bound as a typed parameter;
 * `custom` and `constant` (OpenObserve's kinds) stay untyped strings, as before.
 */
export const VALUE_TYPES = ['string', 'integer', 'number', 'boolean', 'date', 'datetime'] as const
export type ValueType = (typeof VALUE_TYPES)[number]

export type VariableValues = Record<string, RawValue>

const CASTS: Record<ValueType, string> = {
  string: '::text',
  integer: '::bigint',
  number: '::double precision',
  boolean: '::boolean',
  date: '::date',
  datetime: '::timestamptz',
}

export function valueTypeOf(v: Pick<Variable, 'type'>): ValueType | undefined {
  return (VALUE_TYPES as readonly string[]).includes(v.type) ? (v.type as ValueType) : undefined
}

const INTEGER = /^[+-]?\d+$/
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/

class Bad extends Error {}

/** One scalar as its type: a number, a boolean, an ISO date (zone's calendar) or a Date. */
function coerceOne(type: ValueType, text: string, zone: string, nowMs: number): unknown {
  const t = text.trim()
  switch (type) {
    case 'string':
      return text
    case 'integer': {
      if (!INTEGER.test(t)) throw new Bad(`expected a whole number, got "${text}"`)
      const n = Number(t)
      if (!Number.isSafeInteger(n)) throw new Bad(`${text} is out of range`)
      return n
    }
    case 'number': {
      const n = Number(t)
      if (!NUMBER.test(t) || !Number.isFinite(n)) throw new Bad(`expected a number, got "${text}"`)
      return n
    }
    case 'boolean': {
      const l = t.toLowerCase()
      if (l === 'true' || l === '1') return true
      if (l === 'false' || l === '0') return false
      throw new Bad(`expected true or false, got "${text}"`)
    }
    case 'date':
    case 'datetime': {
      let ms: number
      try {
        ms = resolvePhrase(t, nowMs, zone)
      } catch (err) {
        if (err instanceof PhraseError) throw new Bad(err.message)
        throw err
      }
      if (type === 'datetime') return new Date(ms)
      return DateTime.fromMillis(ms, { zone }).toISODate()
    }
  }
}

/**
 * True when `text` names the same instant whenever it is read ("2024-01-01"), false for a phrase
 * that moves with the clock ("3 days ago", "today") or is no date at all.
 */
export function isFixedInstant(text: string): boolean {
  try {
    // Two reading times further apart than any phrase's unit reaches back (a year and a day).
    return resolvePhrase(text, 0, 'UTC') === resolvePhrase(text, 400 * 86_400_000, 'UTC')
  } catch (err) {
    if (err instanceof PhraseError) return false
    throw err
  }
}

function comparable(v: unknown): number | string {
  if (v instanceof Date) return v.getTime()
  if (typeof v === 'number') return v
  return String(v)
}

function isEmpty(v: RawValue | undefined): boolean {
  return v === undefined || v === '' || (Array.isArray(v) && v.length === 0)
}

export type Checked = { ok: true; value: BindValue } | { ok: false; message: string }

/**
 * Checks one variable's value against its declaration and returns it typed. `nowMs` and `zone`
 * resolve date phrases ("3 days ago", "beginning of month") in the report's zone.
 */
export function checkVariable(
  def: Variable,
  raw: RawValue | undefined,
  zone: string,
  nowMs: number,
): Checked {
  const type = valueTypeOf(def)
  if (!type) return { ok: true, value: raw ?? '' }
  let value = isEmpty(raw) ? def.default : raw
  if (isEmpty(value)) {
    if (def.required) return { ok: false, message: `Variable ${def.name} is required` }
    // Optional and absent: NULL of its type, so `${v} IS NULL OR col = ${v}` works.
    return { ok: true, value: { typed: null, cast: CASTS[type] + (def.multi ? '[]' : '') } }
  }
  if (Array.isArray(value) && !def.multi) {
    if (value.length !== 1) {
      return { ok: false, message: `Variable ${def.name} takes one value, got ${value.length}` }
    }
    value = value[0]!
  }
  const list = Array.isArray(value) ? value : [value as string]
  try {
    const typed = list.map((text) => coerceOne(type, text, zone, nowMs))
    if (def.options?.length) {
      const allowed = new Set(def.options.map((o) => comparable(coerceOne(type, o, zone, nowMs))))
      const bad = typed.findIndex((t) => !allowed.has(comparable(t)))
      if (bad >= 0) throw new Bad(`"${list[bad]}" is not one of ${def.options.join(', ')}`)
    }
    const bound = (edge: 'min' | 'max') => {
      const e = def[edge]
      if (e === undefined || e === null || type === 'boolean') return undefined
      if (type === 'string') return Number(e)
      return comparable(coerceOne(type, String(e), zone, nowMs))
    }
    const min = bound('min')
    const max = bound('max')
    typed.forEach((t, i) => {
      const c = type === 'string' ? String(t).length : comparable(t)
      const what = type === 'string' ? 'length ' : ''
      if (min !== undefined && c < min) throw new Bad(`${what}"${list[i]}" is below ${def.min}`)
      if (max !== undefined && c > max) throw new Bad(`${what}"${list[i]}" is above ${def.max}`)
    })
    const cast = CASTS[type] + (def.multi ? '[]' : '')
    return { ok: true, value: { typed: def.multi ? typed : typed[0], cast } }
  } catch (err) {
    if (err instanceof Bad) return { ok: false, message: `Variable ${def.name}: ${err.message}` }
    throw err
  }
}

/**
 * Every typed variable of `defs` checked against `values` (already merged over the dashboard's
 * and report's): field errors named `<prefix><name>`, or the values ready to bind.
 */
export function checkVariables(
  defs: Variable[],
  values: VariableValues,
  zone: string,
  nowMs: number,
  prefix = 'variables.',
): { errors: FieldError[]; bound: Record<string, BindValue> } {
  const errors: FieldError[] = []
  const bound: Record<string, BindValue> = { ...values }
  for (const def of defs) {
    const r = checkVariable(def, values[def.name], zone, nowMs)
    if (r.ok) bound[def.name] = r.value
    else errors.push({ name: `${prefix}${def.name}`, description: r.message })
  }
  return { errors, bound }
}
