import { useState } from 'preact/hooks'
import { accessIn, canAdmin } from '../lib/access.js'
import { api, messageOf, orgPath } from '../lib/api.js'
import { html } from '../lib/html.js'
import { ErrorBox, Notice, PageTitle, useLoad } from '../lib/ui.js'
import { AdminNav } from './admin.js'

/**
 * Custom roles: create (a name), list with their folder grants, edit the grants as a table of
 * folders × actions, delete. Built-in roles are fixed by the server and only named here.
 */

const ACTIONS = ['list', 'get', 'create', 'update', 'delete', 'trigger']

/**
 * The rows of the grants table: every folder of both kinds the caller could list, each kind's
 * wildcard first, then any folder a role names that is not among them (by id, so a grant on a
 * folder the caller cannot see is still shown, and kept when saving).
 */
function grantRows(reportFolders, dashboardFolders, roles = []) {
  const rows = [{ object: 'rfolder:*', label: 'All report folders', kind: 'reports' }]
  for (const f of reportFolders) {
    rows.push({ object: `rfolder:${f.folderId}`, label: `Reports: ${f.name}`, kind: 'reports' })
  }
  rows.push({ object: 'dfolder:*', label: 'All dashboard folders', kind: 'dashboards' })
  for (const f of dashboardFolders) {
    rows.push({
      object: `dfolder:${f.folderId}`,
      label: `Dashboards: ${f.name}`,
      kind: 'dashboards',
    })
  }
  const known = new Set(rows.map((r) => r.object))
  for (const g of roles.flatMap((r) => r.grants)) {
    if (known.has(g.object)) continue
    known.add(g.object)
    const [kind, id] = g.object.split(':')
    const reports = kind === 'rfolder'
    rows.push({
      object: g.object,
      label: `${reports ? 'Reports' : 'Dashboards'} folder ${id}`,
      kind: reports ? 'reports' : 'dashboards',
    })
  }
  return rows
}

/** A grant's object in words, for the list (an unknown folder keeps its id). */
function objectLabel(rows, object) {
  return rows.find((r) => r.object === object)?.label ?? object
}

/**
 * A folder list the page can do without: a refusal (or any failure) leaves it empty and says
 * why, so a roles admin who may not list one kind of folder still manages roles.
 */
async function folderList(get, kind) {
  try {
    return { list: (await get(`/folders/${kind}`)).list, problem: null }
  } catch (err) {
    if (err?.name === 'AbortError') throw err
    return { list: [], problem: err }
  }
}

/** Loads roles with the grants of each custom one, and the folders grants can name. */
async function loadAll(org, signal) {
  const get = (path) => api('GET', orgPath(org, path), undefined, { signal })
  const [roles, reports, dashboards] = await Promise.all([
    get('/roles'),
    folderList(get, 'reports'),
    folderList(get, 'dashboards'),
  ])
  const custom = roles.list.filter((r) => !r.builtin)
  const grants = await Promise.all(
    custom.map((r) => get(`/roles/${encodeURIComponent(r.name)}/permissions`)),
  )
  const withGrants = custom.map((r, i) => ({ ...r, grants: grants[i] }))
  const problems = [
    reports.problem && { what: 'report folders', error: reports.problem },
    dashboards.problem && { what: 'dashboard folders', error: dashboards.problem },
  ].filter(Boolean)
  return {
    builtin: roles.list.filter((r) => r.builtin).map((r) => r.name),
    custom: withGrants,
    rows: grantRows(reports.list, dashboards.list, withGrants),
    problems,
  }
}

function CreateRoleForm({ org, onCreated, onChange }) {
  const [name, setName] = useState('')
  const [failure, setFailure] = useState(null)
  const [busy, setBusy] = useState(false)
  async function submit(e) {
    e.preventDefault()
    setBusy(true)
    try {
      await api('POST', orgPath(org, '/roles'), { name: name.trim() })
      setFailure(null)
      setName('')
      onCreated(name.trim())
    } catch (err) {
      setFailure(err)
    } finally {
      setBusy(false)
    }
  }
  const nameError = failure?.fieldError?.('name') ?? ''
  const hint = '1–64 letters, digits, _, . or -, starting with a letter or digit.'
  return html`<form class="panel" noValidate onSubmit=${submit} aria-label="New role">
    <h2>New role</h2>
    ${failure && !nameError && html`<div class="error" role="alert">${messageOf(failure)}</div>`}
    <div class="field">
      <label for="new-role-name">Role name</label>
      <input id="new-role-name" value=${name} onInput=${(e) => {
        setName(e.currentTarget.value)
        onChange()
      }}
        aria-invalid=${nameError ? 'true' : undefined}
        aria-describedby=${nameError ? 'new-role-name-error new-role-name-hint' : 'new-role-name-hint'} />
      <span class="muted" id="new-role-name-hint">${hint}</span>
      ${nameError && html`<span class="field-error" id="new-role-name-error">${nameError}</span>`}
    </div>
    <div class="actions">
      <button type="submit" class="primary" disabled=${busy || !name.trim()}>Create role</button>
    </div>
  </form>`
}

/** The grants of one role as checkboxes; saving replaces all of them (the API's PUT). */
function GrantsEditor({ org, role, rows, onSaved, onCancel, onChange }) {
  const [grants, setGrants] = useState(() => {
    const m = {}
    for (const g of role.grants) m[g.object] = new Set(g.actions)
    return m
  })
  const [failure, setFailure] = useState(null)
  const [busy, setBusy] = useState(false)

  function toggle(object, action, on) {
    onChange()
    setGrants((g) => {
      const set = new Set(g[object] ?? [])
      if (on) set.add(action)
      else set.delete(action)
      return { ...g, [object]: set }
    })
  }
  // Sent in this order so the API's `[i]` field names point back at a row.
  const body = Object.entries(grants)
    .filter(([, set]) => set.size > 0)
    .map(([object, set]) => ({ object, actions: ACTIONS.filter((a) => set.has(a)) }))

  async function save(e) {
    e.preventDefault()
    setBusy(true)
    try {
      await api('PUT', orgPath(org, `/roles/${encodeURIComponent(role.name)}/permissions`), body)
      setFailure(null)
      onSaved(role.name)
    } catch (err) {
      setFailure(err)
    } finally {
      setBusy(false)
    }
  }

  // The envelope's field errors: `[i].object` / `[i].actions` name a row; `object` names folders.
  const rowErrors = {}
  const otherErrors = []
  for (const f of failure?.fields ?? []) {
    const m = /^\[(\d+)\]/.exec(f.name)
    const object = m ? body[Number(m[1])]?.object : undefined
    if (object) rowErrors[object] = [rowErrors[object], f.description].filter(Boolean).join('; ')
    else otherErrors.push(f.description)
  }
  const rowId = (object) => `grant-${object.replace(/[^A-Za-z0-9]+/g, '-')}`
  const heading = `Grants of ${role.name}`
  return html`<form class="panel" noValidate onSubmit=${save} aria-label=${heading}>
    <h2>${heading}</h2>
    <p class="muted">Tick what members with this role may do in each folder. Trigger applies to report folders only.</p>
    ${
      failure &&
      Object.keys(rowErrors).length === 0 &&
      html`<div class="error" role="alert">${otherErrors.length ? otherErrors.join('; ') : messageOf(failure)}</div>`
    }
    <div class="table-wrap"><table class="grants">
      <caption class="sr-only">${heading} per folder</caption>
      <thead><tr>
        <th scope="col">Folder</th>
        ${ACTIONS.map((a) => html`<th scope="col">${a}</th>`)}
      </tr></thead>
      <tbody>
        ${rows.map((r) => {
          const err = rowErrors[r.object]
          return html`<tr key=${r.object}>
            <th scope="row">
              ${r.label}
              ${err && html`<span class="field-error" id=${`${rowId(r.object)}-error`}>${err}</span>`}
            </th>
            ${ACTIONS.map((a) => {
              const off = a === 'trigger' && r.kind === 'dashboards'
              return html`<td>
                ${
                  off
                    ? html`<span class="muted" aria-hidden="true">—</span>`
                    : html`<input type="checkbox" aria-label=${`${a} in ${r.label}`}
                      checked=${grants[r.object]?.has(a) ?? false}
                      aria-invalid=${err ? 'true' : undefined}
                      aria-describedby=${err ? `${rowId(r.object)}-error` : undefined}
                      onChange=${(e) => toggle(r.object, a, e.currentTarget.checked)} />`
                }
              </td>`
            })}
          </tr>`
        })}
      </tbody>
    </table></div>
    <div class="actions">
      <button type="submit" class="primary" disabled=${busy}>Save grants</button>
      <button type="button" onClick=${onCancel}>Cancel</button>
    </div>
  </form>`
}

function GrantList({ grants, rows }) {
  if (!grants.length) return html`<span class="muted">No grants yet</span>`
  return html`<ul class="grant-list">
    ${grants.map((g) => html`<li><strong>${objectLabel(rows, g.object)}</strong>: ${g.actions.join(', ')}</li>`)}
  </ul>`
}

export function RolesPage({ me, org }) {
  const access = accessIn(me, org)
  const { data, error, reload } = useLoad((signal) => loadAll(org, signal), [org])
  const [editing, setEditing] = useState(null)
  const [actionError, setError] = useState(null)
  const [notice, setNotice] = useState('')
  const mayCreate = canAdmin(access, 'roles', 'create')
  const mayUpdate = canAdmin(access, 'roles', 'update')
  const mayDelete = canAdmin(access, 'roles', 'delete')

  // A notice tells what the last action did; the next edit makes it stale, so it goes.
  const edited = () => setNotice('')
  function edit(name) {
    setNotice('')
    setError(null)
    setEditing(name)
  }
  function created(name) {
    setNotice(`Role ${name} created; now choose its grants`)
    setError(null)
    setEditing(mayUpdate ? name : null)
    reload()
  }
  function saved(name) {
    setNotice(`Grants of ${name} saved`)
    setEditing(null)
    setError(null)
    reload()
  }
  async function remove(role) {
    setNotice('')
    if (!confirm(`Delete the role ${role.name}? Members lose what it granted.`)) return
    try {
      await api('DELETE', orgPath(org, `/roles/${encodeURIComponent(role.name)}`))
      setNotice(`Role ${role.name} deleted`)
      setError(null)
      if (editing === role.name) setEditing(null)
      reload()
    } catch (err) {
      setError(err)
    }
  }

  const current = editing && data?.custom.find((r) => r.name === editing)
  return html`<section>
    <${PageTitle}>Roles<//>
    <${AdminNav} me=${me} org=${org} current="roles" />
    <${ErrorBox} error=${error || actionError} />
    <${Notice}>${notice}<//>
    ${data?.problems.map(
      (p) =>
        html`<p class="warning" role="note">The ${p.what} could not be listed (${messageOf(p.error)}), so the grants table leaves them out; grants roles already have on them are shown by folder id and kept when you save.</p>`,
    )}
    ${
      current &&
      html`<${GrantsEditor} key=${current.name} org=${org} role=${current} rows=${data.rows}
        onSaved=${saved} onCancel=${() => edit(null)} onChange=${edited} />`
    }
    ${!current && mayCreate && data && html`<${CreateRoleForm} org=${org} onCreated=${created} onChange=${edited} />`}
    ${!data && !error && html`<p class="loading">Loading roles…</p>`}
    ${
      data &&
      html`<p class="muted">Built-in roles: ${data.builtin.join(', ')} (fixed; not editable here).</p>
      ${
        data.custom.length === 0
          ? html`<p class="empty">No custom roles yet.</p>`
          : html`<div class="table-wrap"><table>
          <caption class="sr-only">Custom roles of ${org}</caption>
          <thead><tr>
            <th scope="col">Role</th><th scope="col">Grants</th>
            <th scope="col"><span class="sr-only">Actions</span></th>
          </tr></thead>
          <tbody>
            ${data.custom.map(
              (r) => html`<tr key=${r.name}>
              <td>${r.name}${r.inherits.length > 0 && html` <span class="muted">(includes ${r.inherits.join(', ')})</span>`}</td>
              <td><${GrantList} grants=${r.grants} rows=${data.rows} /></td>
              <td class="row-actions">
                ${
                  mayUpdate &&
                  html`<button type="button" onClick=${() => edit(r.name)}
                    aria-label=${`Edit grants of ${r.name}`}>Edit grants</button>`
                }
                ${
                  mayDelete &&
                  html`<button type="button" class="danger" onClick=${() => remove(r)}
                    aria-label=${`Delete ${r.name}`}>Delete</button>`
                }
              </td>
            </tr>`,
            )}
          </tbody>
        </table></div>`
      }`
    }
  </section>`
}
