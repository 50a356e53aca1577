import type { Database } from './client.ts'

/**
 * A statement prepared once per database handle, for the queries every request runs. Drizzle
 * rebuilds the SQL of a query-builder chain on every call (~130 µs here) and sends it unnamed:
 * postgres.js then asks the server to describe an unnamed statement with parameters before it
 * binds it, a second round trip. A prepared query keeps its SQL text, and postgres.js names it
 * and reuses the server-side statement on each connection. PGlite runs the same prepared query.
 *
 * Only for the database itself, never a transaction: `build` receives `database.db`.
 */
export function preparedPerDatabase<T>(
  build: (db: Database['db']) => T,
): (database: Database) => T {
  const built = new WeakMap<Database, T>()
  return (database) => {
    let statement = built.get(database)
    if (statement === undefined) {
      statement = build(database.db)
      built.set(database, statement)
    }
    return statement
  }
}
