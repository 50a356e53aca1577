import { and, eq, getTableColumns, sql } from 'drizzle-orm'
import { preparedPerDatabase } from '../db/prepared.ts'
import { reports } from '../db/schema/index.ts'

/**
 * Prepared statements for the report reads every GET runs (see src/db/prepared.ts for why they
 * are prepared).
 */

/** jsonb from either driver: postgres.js parses it, a raw value may still arrive as text. */
function jsonOf<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T
}

/**
 * One report with the current folder of each dashboard it references, in one round trip: the
 * dashboards' folders are a correlated subquery over the report's own `dashboards` array, so a
 * GET is one query, not two. The subquery names its columns itself: in a one-table select
 * drizzle renders columns unqualified, and `org` would then mean the dashboards' own column.
 */
export const reportWithDashboardFolders = preparedPerDatabase((db) =>
  db
    .select({
      ...getTableColumns(reports),
      dashboardFolders: sql<Record<string, string>>`(
        select coalesce(jsonb_object_agg(d.id, d.folder_id), '{}'::jsonb)
        from dashboards d
        where d.org = reports.org
          and d.id in (select e ->> 'dashboard' from jsonb_array_elements(reports.dashboards) e)
      )`.mapWith((v) => jsonOf<Record<string, string>>(v)),
    })
    .from(reports)
    .where(and(eq(reports.org, sql.placeholder('org')), eq(reports.id, sql.placeholder('id'))))
    .prepare('report_with_dashboard_folders'),
)
