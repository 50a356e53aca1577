import { loadModule, parseSync } from 'libpg-query'
import { bindQuery } from '../render/bind-query.ts'

// PostgreSQL's own parser (compiled to WebAssembly): it reads every statement the server would,
// so a panel cannot hide a command where a hand-written check would not look. Loaded once, so
// dashboard validation can call it synchronously.
await loadModule()

const DATA_MODIFYING = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt'])

/** Why the tree (anywhere inside) is not a plain read, or undefined. */
function findProblem(node: unknown): string | undefined {
  if (Array.isArray(node)) {
    for (const item of node) {
      const p = findProblem(item)
      if (p) return p
    }
    return undefined
  }
  if (node === null || typeof node !== 'object') return undefined
  for (const [key, value] of Object.entries(node)) {
    if (DATA_MODIFYING.has(key)) {
      return `data-modifying statements (${key.replace(/Stmt$/, '').toUpperCase()}) are not allowed, not even inside WITH`
    }
    if (key === 'intoClause') return 'SELECT … INTO is not allowed'
    if (key === 'lockingClause') return 'FOR UPDATE / FOR SHARE is not allowed'
    const p = findProblem(value)
    if (p) return p
  }
  return undefined
}

/**
 * Why `sql` (already bound: placeholders are `$n`) is not exactly one read-only query — a
 * SELECT, WITH … SELECT, VALUES or TABLE — or undefined when it is.
 */
export function readOnlyQueryProblem(sql: string): string | undefined {
  // Every run of a report checks the same bound text again (values travel as parameters), and a
  // parse is ~1 ms of the event loop per panel: remember the verdicts.
  if (verdicts.has(sql)) return verdicts.get(sql)
  const problem = checkQuery(sql)
  if (verdicts.size >= MAX_REMEMBERED) verdicts.clear()
  verdicts.set(sql, problem)
  return problem
}

const MAX_REMEMBERED = 2_000
const verdicts = new Map<string, string | undefined>()

function checkQuery(sql: string): string | undefined {
  let stmts: { stmt?: Record<string, unknown> }[]
  try {
    stmts = (parseSync(sql) as { stmts?: { stmt?: Record<string, unknown> }[] }).stmts ?? []
  } catch (err) {
    return `the SQL does not parse: ${(err as Error).message}`
  }
  if (stmts.length !== 1) {
    return stmts.length === 0 ? 'the SQL has no statement' : 'only one statement is allowed'
  }
  const kind = Object.keys(stmts[0]!.stmt ?? {})[0] ?? 'an empty statement'
  if (kind !== 'SelectStmt') {
    return `only a single SELECT, WITH … SELECT, VALUES or TABLE query is allowed (found ${kind.replace(/Stmt$/, '').toUpperCase()})`
  }
  return findProblem(stmts[0]!.stmt)
}

/**
 * The same check on a panel's SQL as written, with macros and variables replaced by placeholders
 * (values do not matter to the shape). A reference the binder refuses is left to run time, where
 * it fails with its own message.
 */
export function panelSqlProblem(sql: string, variableNames: string[]): string | undefined {
  let text: string
  try {
    text = bindQuery(sql, {
      from: new Date(0),
      to: new Date(0),
      intervalSeconds: 60,
      variables: Object.fromEntries(variableNames.map((n) => [n, ''])),
    }).text
  } catch {
    return undefined
  }
  return readOnlyQueryProblem(text)
}
