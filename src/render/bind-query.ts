/** A variable's value as given: one string, or several for a multi-value variable. */
export type RawValue = string | string[]

/** A value bound with its SQL type; bindQuery writes `$n<cast>`. */
export interface TypedValue {
  typed: unknown
  cast: string
}
export type BindValue = RawValue | TypedValue

/**
 * Turns a panel's SQL with dashboard macros into a parameterised statement. Values are never
 * spliced into the text: every macro becomes a positional placeholder and its value is returned in
 * `values`, so a variable can hold anything (quotes, `--`, `;`) without changing the statement.
 *
 * Macros:
 * - `$__from`, `$__to`: the report's time range, as `$n::timestamptz`.
 * - `$__interval`: the bucket width as `$n::interval`; `$__interval_s` / `$__interval_ms` give it
 *   as whole seconds / milliseconds (`$n::integer`, `$n::bigint`).
 * - `${name}` / `$name`: a dashboard variable; a multi-value variable binds as an array, so the
 *   author writes `col = ANY(${name})`. `'${name}'` (the whole literal) is the same placeholder:
 *   the quotes only said "compare as a string", which a bound value already does.
 * Comments, string literals, quoted identifiers and dollar-quoted bodies are left as written.
 */

export interface BindParams {
  from: Date
  to: Date
  intervalSeconds: number
  /** Untyped values (text, or a list for multi) or typed ones with their cast (variables.ts). */
  variables: Record<string, BindValue>
}

export interface BoundQuery {
  text: string
  values: unknown[]
}

type Bound = { value: unknown; cast: string }

function builtin(name: string, p: BindParams): Bound | undefined {
  switch (name) {
    case '__from':
      return { value: p.from, cast: '::timestamptz' }
    case '__to':
      return { value: p.to, cast: '::timestamptz' }
    case '__interval':
      return { value: `${p.intervalSeconds} seconds`, cast: '::interval' }
    case '__interval_s':
      return { value: Math.round(p.intervalSeconds), cast: '::integer' }
    case '__interval_ms':
      return { value: Math.round(p.intervalSeconds * 1000), cast: '::bigint' }
    default:
      return undefined
  }
}

const IDENT_CHAR = /[\p{L}\p{N}_$]/u
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

class Binder {
  readonly values: unknown[] = []
  private readonly slots = new Map<string, number>()

  constructor(private readonly params: BindParams) {}

  has(name: string): boolean {
    return builtin(name, this.params) !== undefined || Object.hasOwn(this.params.variables, name)
  }

  /** The placeholder for `name`, reusing the number of an earlier occurrence. */
  placeholder(name: string, withCast: boolean): string {
    const b = builtin(name, this.params)
    let value: unknown
    let cast = withCast && b ? b.cast : ''
    if (b) value = b.value
    else if (Object.hasOwn(this.params.variables, name)) {
      const v = this.params.variables[name]
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
        // A typed variable always carries its type, quoted in the SQL or not.
        value = Array.isArray(v.typed) ? [...v.typed] : v.typed
        cast = v.cast
      } else value = Array.isArray(v) ? [...v] : v
    } else throw new Error(`Unknown variable "${name}" in panel query`)
    let slot = this.slots.get(name)
    if (slot === undefined) {
      this.values.push(value)
      slot = this.values.length
      this.slots.set(name, slot)
    }
    return `$${slot}${cast}`
  }
}

/** End index (exclusive) of the token starting at `i`, for tokens copied verbatim. */
function skipLineComment(sql: string, i: number): number {
  const nl = sql.indexOf('\n', i)
  return nl < 0 ? sql.length : nl + 1
}

function skipBlockComment(sql: string, i: number): number {
  // PostgreSQL block comments nest.
  let depth = 0
  let j = i
  while (j < sql.length) {
    if (sql.startsWith('/*', j)) {
      depth++
      j += 2
    } else if (sql.startsWith('*/', j)) {
      depth--
      j += 2
      if (depth === 0) return j
    } else j++
  }
  return sql.length
}

function skipQuoted(sql: string, i: number, quote: string, backslashEscapes: boolean): number {
  let j = i + 1
  while (j < sql.length) {
    const ch = sql[j]
    if (backslashEscapes && ch === '\\') j += 2
    else if (ch === quote) {
      if (sql[j + 1] === quote) j += 2
      else return j + 1
    } else j++
  }
  return sql.length
}

function isEscapeString(sql: string, i: number): boolean {
  const prev = sql[i - 1]
  if (prev !== 'E' && prev !== 'e') return false
  const before = sql[i - 2]
  return before === undefined || !IDENT_CHAR.test(before)
}

/** The variable a whole string literal stands for (`'${name}'`, or `'$name'` when known). */
function quotedVariable(literal: string, binder: Binder): string | undefined {
  const braced = /^'\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}'$/.exec(literal)
  if (braced) return braced[1]
  const bare = /^'\$([A-Za-z_][A-Za-z0-9_]*)'$/.exec(literal)
  return bare?.[1] && binder.has(bare[1]) ? bare[1] : undefined
}

export function bindQuery(sql: string, params: BindParams): BoundQuery {
  const binder = new Binder(params)
  let out = ''
  let i = 0
  while (i < sql.length) {
    const ch = sql[i]
    let end: number
    if (sql.startsWith('--', i)) end = skipLineComment(sql, i)
    else if (sql.startsWith('/*', i)) end = skipBlockComment(sql, i)
    else if (ch === '"') end = skipQuoted(sql, i, '"', false)
    else if (ch === "'") {
      const escapes = isEscapeString(sql, i)
      end = skipQuoted(sql, i, "'", escapes)
      const name = escapes ? undefined : quotedVariable(sql.slice(i, end), binder)
      if (name) {
        out += binder.placeholder(name, false)
        i = end
        continue
      }
    } else if (ch === '$') {
      const prev = sql[i - 1]
      const rest = sql.slice(i)
      const dollarTag = /^\$(?:[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/.exec(rest)
      if (prev !== undefined && IDENT_CHAR.test(prev)) end = i + 1
      else if (dollarTag) {
        const close = sql.indexOf(dollarTag[0], i + dollarTag[0].length)
        end = close < 0 ? sql.length : close + dollarTag[0].length
      } else if (/^\$\d/.test(rest)) {
        throw new Error('Positional parameters ($1, $2, …) are not allowed in panel queries')
      } else {
        const braced = /^\$\{([^}]*)\}/.exec(rest)
        const bare = braced ? undefined : /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(rest)
        const token = braced ?? bare
        if (token) {
          const name = (token[1] ?? '').trim()
          if (!NAME.test(name)) throw new Error(`Invalid variable reference "${token[0]}"`)
          out += binder.placeholder(name, true)
          i += token[0].length
          continue
        }
        end = i + 1
      }
    } else end = i + 1
    out += sql.slice(i, end)
    i = end
  }
  return { text: out, values: binder.values }
}
