import { AdminPage } from './pages/admin.js'
import { FoldersPage } from './pages/folders.js'

/**
 * Every page of the UI: a hash path pattern and its component. A page gets
 * {params, query, me, org, navigate}. Add pages here (the nav is in app.js).
 */
export const routes = [
  { pattern: '/o/:org', page: FoldersPage },
  { pattern: '/o/:org/folders/:folderId', page: FoldersPage },
  { pattern: '/o/:org/admin', page: AdminPage },
]

// Admin sections (appended, so pages added beside them rebase cleanly).
import { MembersPage } from './pages/admin-members.js'
import { TokensPage } from './pages/admin-tokens.js'

routes.push(
  { pattern: '/o/:org/admin/members', page: MembersPage },
  { pattern: '/o/:org/admin/tokens', page: TokensPage },
)

// Report editor and report page (appended; `new` before `:id`, which would match it too).
import { ReportPage } from './pages/report.js'
import { ReportEditorPage } from './pages/report-editor.js'

routes.push(
  { pattern: '/o/:org/reports/new', page: ReportEditorPage },
  { pattern: '/o/:org/reports/:id/edit', page: ReportEditorPage },
  { pattern: '/o/:org/reports/:id', page: ReportPage },
)

// Run history and one run (issue 13, items 4–5). The report page links here.
import { RunPage } from './pages/run.js'
import { RunsPage } from './pages/runs.js'

routes.push(
  { pattern: '/o/:org/reports/:id/runs', page: RunsPage },
  { pattern: '/o/:org/reports/:id/runs/:runId', page: RunPage },
)

import { DatasourcesPage } from './pages/admin-datasources.js'

routes.push({ pattern: '/o/:org/admin/datasources', page: DatasourcesPage })

import { RolesPage } from './pages/admin-roles.js'

routes.push({ pattern: '/o/:org/admin/roles', page: RolesPage })
