/**
 * What the signed-in caller may do, read from GET /api/v2/me (the API's own decisions, per org:
 * the actions allowed inside each folder and per admin area). Pages use these only to hide
 * controls the caller could not use; the API still decides, and a forced request gets its 403.
 */

const NONE = { members: [], roles: [], tokens: [], folders: [], datasources: [] }

/** The caller's access in one org; an org the caller is not in allows nothing. */
export function accessIn(me, org) {
  const found = me?.orgs?.find((o) => o.org === org)
  return found ?? { org, roles: [], admin: NONE, folders: [], dashboard_folders: [] }
}

/**
 * May the caller do `action` to the reports in report folder `folderId`?
 * @param {ReturnType<typeof accessIn>} access
 * @param {string} folderId
 * @param {'list'|'get'|'create'|'update'|'delete'|'trigger'} action
 */
export function canInFolder(access, folderId, action) {
  const f = access.folders.find((x) => x.folder_id === folderId)
  return Boolean(f?.actions.includes(action))
}

/** Report folders where the caller may do `action` (move targets need `create`). */
export function foldersAllowing(access, action) {
  return access.folders.filter((f) => f.actions.includes(action)).map((f) => f.folder_id)
}

/**
 * May the caller do `action` in an admin area?
 * @param {ReturnType<typeof accessIn>} access
 * @param {'members'|'roles'|'tokens'|'folders'|'datasources'} area
 * @param {'list'|'get'|'create'|'update'|'delete'} action
 */
export function canAdmin(access, area, action) {
  return Boolean(access.admin?.[area]?.includes(action))
}

/** Whether the caller may see anything under Admin (the nav hides the link otherwise). */
export function hasAnyAdmin(access) {
  return ['members', 'roles', 'tokens', 'datasources'].some((a) => canAdmin(access, a, 'list'))
}
