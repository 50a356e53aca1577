import { render } from 'preact'
import { useCallback, useEffect, useState } from 'preact/hooks'
import { accessIn, hasAnyAdmin } from './lib/access.js'
import { api, messageOf, whenSignedOut } from './lib/api.js'
import { html } from './lib/html.js'
import { href, match, navigate, splitQuery, useRoute } from './lib/router.js'
import { SignInPage } from './pages/signin.js'
import { routes } from './routes.js'

/**
 * The shell: who is signed in (GET /api/v2/me), the org switcher, the nav and sign out. Pages
 * live in routes.js; every page gets {params, query, me, org, navigate, reloadMe}.
 */

const ORG_KEY = 'herald.org'

function pickOrg(me, fromPath) {
  const orgs = me.orgs.map((o) => o.org)
  if (fromPath) return fromPath
  const saved = localStorage.getItem(ORG_KEY)
  if (saved && orgs.includes(saved)) return saved
  return orgs[0] ?? 'default'
}

function Nav({ me, org, path }) {
  const orgs = me.orgs.map((o) => o.org)
  if (!orgs.includes(org)) orgs.unshift(org)
  const section = path.startsWith(`/o/${encodeURIComponent(org)}/admin`) ? 'admin' : 'reports'

  async function signOut() {
    try {
      await api('DELETE', '/api/v2/session', undefined, { quiet401: true })
    } finally {
      location.hash = '/'
      location.reload()
    }
  }

  function switchOrg(e) {
    const next = e.currentTarget.value
    localStorage.setItem(ORG_KEY, next)
    navigate(`/o/${encodeURIComponent(next)}`)
  }

  const base = `/o/${encodeURIComponent(org)}`
  return html`<header class="topbar">
    <a class="skip" href="#main" onClick=${(e) => {
      e.preventDefault()
      document.getElementById('main')?.focus()
    }}>Skip to content</a>
    <a class="brand" href=${href(base)}>Herald</a>
    <nav aria-label="Main">
      <ul>
        <li><a href=${href(base)} aria-current=${section === 'reports' ? 'page' : undefined}>Reports</a></li>
        ${hasAnyAdmin(accessIn(me, org)) && html`<li><a href=${href(`${base}/admin`)} aria-current=${section === 'admin' ? 'page' : undefined}>Admin</a></li>`}
      </ul>
    </nav>
    <div class="who">
      <label for="org-switcher">Org</label>
      <select id="org-switcher" value=${org} onChange=${switchOrg}>
        ${orgs.map((o) => html`<option value=${o}>${o}</option>`)}
      </select>
      <span class="email" title="Signed in as">${me.email}</span>
      <button type="button" onClick=${signOut}>Sign out</button>
    </div>
  </header>`
}

function NotFound() {
  return html`<section><h1 tabindex="-1">Page not found</h1><p><a href="#/">Go to the reports</a></p></section>`
}

function App() {
  const rawPath = useRoute()
  const [me, setMe] = useState(undefined)
  const [error, setError] = useState(null)
  const [reason, setReason] = useState('')

  const loadMe = useCallback(async () => {
    try {
      setMe(await api('GET', '/api/v2/me', undefined, { quiet401: true }))
      setError(null)
    } catch (err) {
      if (err?.status === 401) setMe(null)
      else setError(err)
    }
  }, [])

  useEffect(() => {
    loadMe()
    return whenSignedOut(() => {
      setReason('Your session ended; sign in again.')
      setMe(null)
    })
  }, [loadMe])

  if (error) {
    return html`<main class="signin" id="main"><p class="error" role="alert">${messageOf(error)}</p></main>`
  }
  if (me === undefined) return html`<p class="loading">Loading Herald…</p>`
  if (me === null) return html`<${SignInPage} onSignedIn=${loadMe} reason=${reason} />`

  const { path, query } = splitQuery(rawPath)
  const orgInPath = match('/o/:org', path.split('/').slice(0, 3).join('/'))?.org
  const org = pickOrg(me, orgInPath)
  if (!orgInPath) {
    navigate(`/o/${encodeURIComponent(org)}`)
    return html`<p class="loading">Loading Herald…</p>`
  }
  localStorage.setItem(ORG_KEY, org)

  let page = html`<${NotFound} />`
  for (const r of routes) {
    const params = match(r.pattern, path)
    if (params) {
      page = html`<${r.page} key=${r.pattern} params=${params} query=${query} me=${me} org=${org} navigate=${navigate} reloadMe=${loadMe} />`
      break
    }
  }
  return html`<${Nav} me=${me} org=${org} path=${path} />
    <main id="main" tabindex="-1">${page}</main>`
}

render(html`<${App} />`, document.getElementById('app'))
