import { html } from '../lib/html.js'
import { PageTitle } from '../lib/ui.js'

/** Placeholder until the admin pages land (members, roles, tokens, datasources). */
export function AdminPage() {
  return html`<section>
    <${PageTitle}>Admin<//>
    <p>Members, roles, API tokens and datasources are managed through the API for now (see <a href="/docs">/docs</a>).</p>
  </section>`
}
