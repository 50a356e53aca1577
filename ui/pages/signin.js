import { useState } from 'preact/hooks'
import { api, messageOf } from '../lib/api.js'
import { html } from '../lib/html.js'
import { PageTitle } from '../lib/ui.js'

/** Email and password → POST /api/v2/session (the httpOnly cookie is set by the answer). */
export function SignInPage({ onSignedIn, reason }) {
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)

  async function submit(e) {
    e.preventDefault()
    setBusy(true)
    setError('')
    try {
      await api('POST', '/api/v2/session', { email, password }, { quiet401: true })
      setPassword('')
      await onSignedIn()
    } catch (err) {
      setError(
        err?.status === 401 ? 'Wrong email or password. Check both and try again.' : messageOf(err),
      )
    } finally {
      setBusy(false)
    }
  }

  return html`<main class="signin" id="main">
    <form class="card" onSubmit=${submit} aria-describedby=${error ? 'signin-error' : undefined}>
      <${PageTitle}>Sign in to Herald<//>
      ${reason && !error && html`<p class="notice" role="status">${reason}</p>`}
      ${error && html`<p class="error" role="alert" id="signin-error">${error}</p>`}
      <label for="signin-email">Email</label>
      <input
        id="signin-email"
        type="email"
        name="email"
        autocomplete="username"
        required
        value=${email}
        onInput=${(e) => setEmail(e.currentTarget.value)}
      />
      <label for="signin-password">Password</label>
      <input
        id="signin-password"
        type="password"
        name="password"
        autocomplete="current-password"
        required
        value=${password}
        onInput=${(e) => setPassword(e.currentTarget.value)}
      />
      <button type="submit" class="primary" disabled=${busy}>${busy ? 'Signing in…' : 'Sign in'}</button>
    </form>
  </main>`
}
