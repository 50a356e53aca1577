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
