import { asc, eq, inArray } from 'drizzle-orm'
import { allowedActions, folderObject } from '../authz/require.ts'
import type { Principal } from '../context.ts'
import { mayManageDatasources } from '../datasources/service.ts'
import type { Database } from '../db/client.ts'
import { folders, orgMembers } from '../db/schema/index.ts'
import { type Action, DATASOURCES_OBJECT, type Guard, ORG_OBJECT } from '../permissions.ts'
import { listOrgs } from './orgs.ts'

export interface MeOptions {
  /** The guards the routes use (Casbin, or allow-all with HERALD_RBAC=off). */
  guardFor(principal: Principal, org: string, roles: string[]): Guard
  /** HERALD_DATASOURCE_ADMINS. */
  datasourceAdmins: 'root' | 'org'
  /** Only this org (`GET /api/v2/me?org=`); every org of the caller otherwise. */
  org?: string
}

export interface FolderActions {
  folder_id: string
  name: string
  /** What the caller may do to the reports (or dashboards) inside the folder. */
  actions: Action[]
}

export interface OrgAccess {
  org: string
  roles: string[]
  /**
   * Org-level management, per area: the actions the routes of that area would allow. Members,
   * roles, tokens and folders are guarded as the `org` object, datasources as `datasources`.
   */
  admin: {
    members: Action[]
    roles: Action[]
    tokens: Action[]
    folders: Action[]
    datasources: Action[]
  }
  /** Report folders the caller may list, with what it may do inside each. */
  folders: FolderActions[]
  dashboard_folders: FolderActions[]
}

const MANAGING: readonly Action[] = ['create', 'update', 'delete']

/**
 * The caller and, per org, what it may do there. Every action listed is a decision of the guard
 * the org's routes build for the same principal and roles, so the UI can hide what the API
 * would refuse; the API still refuses it if asked.
 */
export async function describeMe(database: Database, principal: Principal, opts: MeOptions) {
  let memberships: { org: string; roles: string[] }[]
  if (principal.root) {
    memberships = (await listOrgs(database)).map((o) => ({ org: o.id, roles: ['admin'] }))
  } else if (principal.kind === 'token') {
    memberships = [{ org: principal.tokenOrg ?? '', roles: principal.tokenRoles ?? [] }]
  } else {
    memberships = await database.db
      .select({ org: orgMembers.org, roles: orgMembers.roles })
      .from(orgMembers)
      .where(eq(orgMembers.userId, principal.id))
  }
  if (opts.org !== undefined) memberships = memberships.filter((m) => m.org === opts.org)

  const folderRows = memberships.length
    ? await database.db
        .select({ org: folders.org, type: folders.type, id: folders.id, name: folders.name })
        .from(folders)
        .where(
          inArray(
            folders.org,
            memberships.map((m) => m.org),
          ),
        )
        .orderBy(asc(folders.createdAt), asc(folders.id))
    : []

  const orgs: OrgAccess[] = memberships.map(({ org, roles }) => {
    const guard = opts.guardFor(principal, org, roles)
    const orgActions = allowedActions(guard, ORG_OBJECT)
    const managesDatasources = mayManageDatasources(principal, opts.datasourceAdmins)
    const datasources = allowedActions(guard, DATASOURCES_OBJECT).filter(
      (a) => managesDatasources || !MANAGING.includes(a),
    )
    const inOrg = (type: 'reports' | 'dashboards') =>
      folderRows
        .filter((f) => f.org === org && f.type === type)
        .map((f) => ({
          folder_id: f.id,
          name: f.name,
          actions: allowedActions(guard, folderObject(type, f.id)),
        }))
        // A folder the caller may not list does not exist for it (as in GET …/folders).
        .filter((f) => f.actions.includes('list'))
        // `default` first, as the folder list pins it.
        .sort((a, b) => Number(b.folder_id === 'default') - Number(a.folder_id === 'default'))
    return {
      org,
      roles,
      admin: {
        members: orgActions,
        roles: orgActions,
        tokens: orgActions,
        folders: orgActions,
        datasources,
      },
      folders: inOrg('reports'),
      dashboard_folders: inOrg('dashboards'),
    }
  })
  return { email: principal.email, kind: principal.kind, root: principal.root, orgs }
}
