import { getTableColumns, type InferSelectModel } from 'drizzle-orm'
import type { PgTable } from 'drizzle-orm/pg-core'

export interface RowMapper<T extends PgTable> {
  /** `alias.column as "prefix_column", …`: the table's columns for a hand-written SELECT. */
  readonly select: string
  /** One result row back to the table's row type (null when the row's key column is null). */
  map(raw: Record<string, unknown>): InferSelectModel<T> | null
}

/**
 * For the few hot statements written as SQL text: drizzle's query builder costs more than the
 * statement itself there (a claim of 64 runs spent half its time building and mapping). The
 * columns still come from the schema, and each value is decoded by its column as drizzle would.
 */
export function rowMapper<T extends PgTable>(
  table: T,
  alias: string,
  prefix: string,
): RowMapper<T> {
  const columns = Object.entries(getTableColumns(table)).map(([key, column]) => ({
    key,
    column,
    as: `${prefix}_${column.name}`,
  }))
  const select = columns.map((c) => `${alias}."${c.column.name}" as "${c.as}"`).join(', ')
  const keyAs = columns.find((c) => c.column.primary)?.as ?? columns[0]?.as ?? ''
  return {
    select,
    map(raw) {
      if (raw[keyAs] == null) return null
      const row: Record<string, unknown> = {}
      for (const c of columns) {
        const v = raw[c.as]
        row[c.key] = v == null ? null : c.column.mapFromDriverValue(v)
      }
      return row as InferSelectModel<T>
    },
  }
}
