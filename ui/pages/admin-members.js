import { useState } from 'preact/hooks'
import { accessIn, canAdmin } from '../lib/access.js'
import { api, orgPath } from '../lib/api.js'
import { html } from '../lib/html.js'
import { ErrorBox, Notice, PageTitle, useLoad } from '../lib/ui.js'
import { AdminNav, RolePicker, roleNames } from './admin.js'

/** Members of the org and their roles: list, add (creating the user if new), change roles, remove. */

async function load(me, org, signal) {
  const [members, roles] = await Promise.all([
    api('GET', orgPath(org, '/users'), undefined, { signal }),
    roleNames(me, org, signal),
  ])
  return { members: members.list, roles }
}

function AddMember({ org, roles, onAdded, setError }) {
  const [email, setEmail] = useState('')
  const [name, setName] = useState('')
  const [password, setPassword] = useState('')
  const [picked, setPicked] = useState(['viewer'])
  const [failure, setFailure] = useState(null)
  const [busy, setBusy] = useState(false)

  async function submit(e) {
    e.preventDefault()
    setBusy(true)
    try {
      const body = { email, roles: picked }
      if (name.trim()) body.name = name
      if (password) body.password = password
      await api('POST', orgPath(org, '/users'), body)
      setFailure(null)
      setError(null)
      onAdded(email)
      setEmail('')
      setName('')
      setPassword('')
      setPicked(['viewer'])
    } catch (err) {
      setFailure(err)
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  const err = (field) => failure?.fieldError?.(field) ?? ''
  const field = (id, label, value, set, type, fieldName, extra = '') => {
    const message = err(fieldName)
    return html`<div class="field">
      <label for=${id}>${label}</label>
      <input id=${id} type=${type} value=${value} onInput=${(e) => set(e.currentTarget.value)}
        autocomplete=${extra || undefined}
        aria-invalid=${message ? 'true' : undefined} aria-describedby=${message ? `${id}-error` : undefined} />
      ${message && html`<span class="field-error" id=${`${id}-error`}>${message}</span>`}
    </div>`
  }
  return html`<form class="panel" noValidate onSubmit=${submit} aria-labelledby="add-member-heading">
    <h2 id="add-member-heading">Add a member</h2>
    <div class="grid2">
      ${field('member-email', 'Email', email, setEmail, 'email', 'email', 'off')}
      ${field('member-name', 'Name (optional)', name, setName, 'text', 'name', 'off')}
      ${field('member-password', 'Password (for a new user)', password, setPassword, 'password', 'password', 'new-password')}
    </div>
    <${RolePicker} legend="Roles" idPrefix="new-member-role" roles=${roles} value=${picked} onChange=${setPicked} />
    <button type="submit" class="primary" disabled=${busy || !email.trim()}>Add member</button>
  </form>`
}

function MemberRow({
  org,
  member,
  roles,
  mayUpdate,
  mayRemove,
  isSelf,
  onChanged,
  setError,
  setNotice,
}) {
  const [editing, setEditing] = useState(false)
  const [picked, setPicked] = useState(member.roles)

  async function save(e) {
    e.preventDefault()
    try {
      await api('PUT', orgPath(org, `/users/${encodeURIComponent(member.email)}`), {
        roles: picked,
      })
      setEditing(false)
      setNotice(`Roles of ${member.email} changed to ${picked.join(', ') || 'none'}`)
      setError(null)
      onChanged()
    } catch (err) {
      setError(err)
    }
  }
  async function remove() {
    if (!confirm(`Remove ${member.email} from ${org}?`)) return
    try {
      await api('DELETE', orgPath(org, `/users/${encodeURIComponent(member.email)}`))
      setNotice(`${member.email} removed from ${org}`)
      setError(null)
      onChanged()
    } catch (err) {
      setError(err)
    }
  }
  const slug = member.email.replace(/[^A-Za-z0-9]/g, '-')
  return html`<tr>
    <td>${member.email}${isSelf && html` <span class="muted">(you)</span>`}</td>
    <td>${member.name || html`<span class="muted">—</span>`}</td>
    <td>
      ${
        editing
          ? html`<form onSubmit=${save} class="role-edit">
            <${RolePicker} legend=${`Roles of ${member.email}`} idPrefix=${`roles-${slug}`} roles=${roles}
              value=${picked} onChange=${setPicked} />
            <button type="submit" class="primary">Save roles</button>
            <button type="button" onClick=${() => {
              setPicked(member.roles)
              setEditing(false)
            }}>Cancel</button>
          </form>`
          : member.roles.length
            ? member.roles.join(', ')
            : html`<span class="muted">none</span>`
      }
    </td>
    ${
      (mayUpdate || mayRemove) &&
      html`<td class="row-actions">
      ${mayUpdate && !editing && html`<button type="button" onClick=${() => setEditing(true)} aria-label=${`Change roles of ${member.email}`}>Change roles</button>`}
      ${mayRemove && html`<button type="button" class="danger" onClick=${remove} aria-label=${`Remove ${member.email}`}>Remove</button>`}
    </td>`
    }
  </tr>`
}

export function MembersPage({ me, org }) {
  const access = accessIn(me, org)
  const { data, error, reload } = useLoad((signal) => load(me, org, signal), [org])
  const [actionError, setError] = useState(null)
  const [notice, setNotice] = useState('')
  const mayAdd = canAdmin(access, 'members', 'create')
  const mayUpdate = canAdmin(access, 'members', 'update')
  const mayRemove = canAdmin(access, 'members', 'delete')

  return html`<section>
    <${PageTitle}>Members<//>
    <${AdminNav} me=${me} org=${org} current="members" />
    <${ErrorBox} error=${error || actionError} />
    <${Notice}>${notice}<//>
    ${
      mayAdd &&
      data &&
      html`<${AddMember} org=${org} roles=${data.roles} setError=${setError}
        onAdded=${(email) => {
          setNotice(`${email} added to ${org}`)
          reload()
        }} />`
    }
    ${!data && !error && html`<p class="loading">Loading members…</p>`}
    ${
      data &&
      (data.members.length === 0
        ? html`<p class="empty">No members yet${me.root ? ' (the root user is admin of every org without being a member)' : ''}.</p>`
        : html`<div class="table-wrap"><table>
        <caption class="sr-only">Members of ${org}</caption>
        <thead><tr>
          <th scope="col">Email</th><th scope="col">Name</th><th scope="col">Roles</th>
          ${(mayUpdate || mayRemove) && html`<th scope="col"><span class="sr-only">Actions</span></th>`}
        </tr></thead>
        <tbody>
          ${data.members.map(
            (
              m,
            ) => html`<${MemberRow} key=${`${m.email}:${m.roles.join(',')}`} org=${org} member=${m}
              roles=${data.roles} mayUpdate=${mayUpdate} mayRemove=${mayRemove} isSelf=${m.email === me.email}
              onChanged=${reload} setError=${setError} setNotice=${setNotice} />`,
          )}
        </tbody>
      </table></div>`)
    }
  </section>`
}
