import { accessIn, canAdmin } from '../lib/access.js'
import { api, orgPath } from '../lib/api.js'
import { html } from '../lib/html.js'
import { href } from '../lib/router.js'
import { PageTitle } from '../lib/ui.js'

/** The admin area: a tab per section (members, roles, API tokens, datasources). */

export const ADMIN_SECTIONS = [
  {
    id: 'members',
    area: 'members',
    label: 'Members',
    about: 'Who belongs to the org and with which roles.',
  },
  {
    id: 'roles',
    area: 'roles',
    label: 'Roles',
    about: 'Custom roles and what they may do in each folder.',
  },
  {
    id: 'tokens',
    area: 'tokens',
    label: 'API tokens',
    about: 'Secrets for scripts and CI; shown once when created.',
  },
  {
    id: 'datasources',
    area: 'datasources',
    label: 'Datasources',
    about: 'Databases dashboards query; connection secrets are write-only.',
  },
]

// Sections whose page exists (a section is listed only once it has one).
const READY = new Set(['members', 'roles', 'tokens', 'datasources'])

/** The sections the caller may list; a forced address to another still answers the API's 403. */
function visibleSections(me, org) {
  const access = accessIn(me, org)
  return ADMIN_SECTIONS.filter((s) => READY.has(s.id) && canAdmin(access, s.area, 'list'))
}

export function AdminNav({ me, org, current }) {
  const sections = visibleSections(me, org)
  const base = `/o/${encodeURIComponent(org)}/admin`
  return html`<nav class="subnav" aria-label="Admin sections">
    <ul>
      ${sections.map(
        (s) =>
          html`<li><a href=${href(`${base}/${s.id}`)} aria-current=${s.id === current ? 'page' : undefined}>${s.label}</a></li>`,
      )}
    </ul>
  </nav>`
}

export function AdminPage({ me, org }) {
  const sections = visibleSections(me, org)
  const base = `/o/${encodeURIComponent(org)}/admin`
  return html`<section>
    <${PageTitle}>Admin<//>
    <${AdminNav} me=${me} org=${org} />
    ${
      sections.length === 0
        ? html`<p class="empty">Your roles in ${org} do not include any admin rights.</p>`
        : html`<ul class="cards">
          ${sections.map(
            (s) =>
              html`<li><a href=${href(`${base}/${s.id}`)}>${s.label}</a><p class="muted">${s.about}</p></li>`,
          )}
        </ul>`
    }
  </section>`
}

const BUILTIN_ROLES = ['admin', 'editor', 'runner', 'viewer']

/** The org's role names (built-in first); the built-in ones when the caller may not list roles. */
export async function roleNames(me, org, signal) {
  if (!canAdmin(accessIn(me, org), 'roles', 'list')) return BUILTIN_ROLES
  const res = await api('GET', orgPath(org, '/roles'), undefined, { signal })
  return res.list.map((r) => r.name)
}

/**
 * A group of role checkboxes. `idPrefix` keeps ids unique when several pickers are on a page.
 * @param {{legend: string, roles: string[], value: string[], onChange: (v: string[]) => void, idPrefix: string, hint?: string}} props
 */
export function RolePicker({ legend, roles, value, onChange, idPrefix, hint }) {
  function toggle(role, on) {
    onChange(on ? [...value, role] : value.filter((r) => r !== role))
  }
  return html`<fieldset class="role-picker">
    <legend>${legend}</legend>
    ${hint && html`<p class="muted">${hint}</p>`}
    <div class="checks">
      ${roles.map(
        (r) => html`<label class="check" for=${`${idPrefix}-${r}`}>
          <input type="checkbox" id=${`${idPrefix}-${r}`} checked=${value.includes(r)}
            onChange=${(e) => toggle(r, e.currentTarget.checked)} />
          ${r}
        </label>`,
      )}
    </div>
  </fieldset>`
}
