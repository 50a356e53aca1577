import { useRef, useState } from 'preact/hooks'
import { accessIn, canAdmin } from '../lib/access.js'
import { api, orgPath } from '../lib/api.js'
import { html } from '../lib/html.js'
import { ErrorBox, Notice, PageTitle, useLoad, when } from '../lib/ui.js'
import { AdminNav, RolePicker, roleNames } from './admin.js'

/**
 * API tokens: create (the secret is in the answer to POST only, so it is shown once, with a copy
 * button, and kept nowhere), list, revoke.
 */

async function load(me, org, signal) {
  const [tokens, roles] = await Promise.all([
    api('GET', orgPath(org, '/tokens'), undefined, { signal }),
    roleNames(me, org, signal),
  ])
  return { tokens: tokens.list, roles }
}

function NewSecret({ secret, name, onDone }) {
  const input = useRef(null)
  const [copied, setCopied] = useState('')
  async function copy() {
    try {
      await navigator.clipboard.writeText(secret)
      setCopied('Copied to the clipboard')
    } catch {
      // No clipboard permission (or not a secure context): leave it selected for Ctrl+C.
      input.current?.select()
      setCopied('Press Ctrl+C (or ⌘C) to copy the selected secret')
    }
  }
  return html`<div class="secret-box" role="region" aria-labelledby="secret-heading">
    <h2 id="secret-heading">Token ${name} created</h2>
    <p><strong>Copy the secret now: it is shown only this once.</strong> Herald keeps only its hash.</p>
    <div class="inline">
      <label for="token-secret">Secret</label>
      <input id="token-secret" class="mono" readonly value=${secret} ref=${input}
        onFocus=${(e) => e.currentTarget.select()} size="48" />
      <button type="button" class="primary" onClick=${copy}>Copy secret</button>
      <button type="button" onClick=${onDone}>Done</button>
    </div>
    <p class="muted" role="status">${copied}</p>
    <p class="muted">Use it as <code>Authorization: Bearer …</code>.</p>
  </div>`
}

function CreateToken({ org, roles, onCreated, setError }) {
  const [name, setName] = useState('')
  const [picked, setPicked] = useState([])
  const [expires, setExpires] = useState('')
  const [busy, setBusy] = useState(false)
  const [fieldErrors, setFieldErrors] = useState(null)

  async function submit(e) {
    e.preventDefault()
    setBusy(true)
    try {
      const body = { name }
      if (picked.length) body.roles = picked
      if (expires) body.expires_at = new Date(`${expires}T23:59:59`).toISOString()
      const created = await api('POST', orgPath(org, '/tokens'), body)
      setFieldErrors(null)
      setError(null)
      onCreated({ ...created, name })
      setName('')
      setPicked([])
      setExpires('')
    } catch (err) {
      setFieldErrors(err)
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  const nameError = fieldErrors?.fieldError?.('name') ?? ''
  return html`<form class="panel" onSubmit=${submit} aria-labelledby="new-token-heading">
    <h2 id="new-token-heading">New API token</h2>
    <div class="grid2">
      <div class="field">
        <label for="token-name">Token name</label>
        <input id="token-name" value=${name} onInput=${(e) => setName(e.currentTarget.value)}
          aria-invalid=${nameError ? 'true' : undefined} aria-describedby=${nameError ? 'token-name-error' : undefined} />
        ${nameError && html`<span class="field-error" id="token-name-error">${nameError}</span>`}
      </div>
      <div class="field">
        <label for="token-expires">Expires (optional)</label>
        <input id="token-expires" type="date" value=${expires} onInput=${(e) => setExpires(e.currentTarget.value)} />
      </div>
    </div>
    <${RolePicker} legend="Roles" idPrefix="token-role" roles=${roles} value=${picked} onChange=${setPicked}
      hint="None ticked: the token acts with your own roles in this org." />
    <button type="submit" class="primary" disabled=${busy || !name.trim()}>Create token</button>
  </form>`
}

export function TokensPage({ me, org }) {
  const access = accessIn(me, org)
  const { data, error, reload } = useLoad((signal) => load(me, org, signal), [org])
  const [actionError, setError] = useState(null)
  const [notice, setNotice] = useState('')
  const [created, setCreated] = useState(null)

  async function revoke(t) {
    if (!confirm(`Revoke the token ${t.name}? Scripts using it stop working at once.`)) return
    try {
      await api('DELETE', orgPath(org, `/tokens/${encodeURIComponent(t.id)}`))
      setNotice(`Token ${t.name} revoked`)
      setError(null)
      reload()
    } catch (err) {
      setError(err)
    }
  }

  const mayCreate = canAdmin(access, 'tokens', 'create')
  const mayRevoke = canAdmin(access, 'tokens', 'delete')
  return html`<section>
    <${PageTitle}>API tokens<//>
    <${AdminNav} me=${me} org=${org} current="tokens" />
    <${ErrorBox} error=${error || actionError} />
    <${Notice}>${notice}<//>
    ${
      created &&
      html`<${NewSecret} secret=${created.token} name=${created.name} onDone=${() => setCreated(null)} />`
    }
    ${
      mayCreate &&
      data &&
      html`<${CreateToken} org=${org} roles=${data.roles} setError=${setError}
        onCreated=${(c) => {
          setCreated(c)
          setNotice('')
          reload()
        }} />`
    }
    ${!data && !error && html`<p class="loading">Loading tokens…</p>`}
    ${
      data &&
      (data.tokens.length === 0
        ? html`<p class="empty">No API tokens yet.</p>`
        : html`<div class="table-wrap"><table>
        <caption class="sr-only">API tokens of ${org}</caption>
        <thead><tr>
          <th scope="col">Name</th><th scope="col">Roles</th><th scope="col">Created</th>
          <th scope="col">Expires</th><th scope="col">Last used</th>
          ${mayRevoke && html`<th scope="col"><span class="sr-only">Actions</span></th>`}
        </tr></thead>
        <tbody>
          ${data.tokens.map(
            (t) => html`<tr key=${t.id}>
            <td>${t.name}</td>
            <td>${t.roles.length ? t.roles.join(', ') : html`<span class="muted">none</span>`}</td>
            <td>${when(t.created_at)}<div class="muted">${t.created_by}</div></td>
            <td>${t.expires_at ? when(t.expires_at) : html`<span class="muted">never</span>`}</td>
            <td>${t.last_used_at ? when(t.last_used_at) : html`<span class="muted">never</span>`}</td>
            ${
              mayRevoke &&
              html`<td><button type="button" class="danger" onClick=${() => revoke(t)}
                aria-label=${`Revoke ${t.name}`}>Revoke</button></td>`
            }
          </tr>`,
          )}
        </tbody>
      </table></div>`)
    }
  </section>`
}
