import { useState } from 'preact/hooks'
import { accessIn, canAdmin } from '../lib/access.js'
import { api, messageOf, orgPath } from '../lib/api.js'
import { html } from '../lib/html.js'
import { ErrorBox, Notice, PageTitle, useLoad } from '../lib/ui.js'
import { AdminNav } from './admin.js'

/**
 * Datasources: create, edit, delete, test connection. The connection URL is write-only: the
 * form never holds a stored one (the API shows it masked), and an edit without a new URL keeps
 * the stored one.
 */

function DatasourceForm({ org, existing, onSaved, onCancel }) {
  const [name, setName] = useState(existing?.name ?? '')
  const [url, setUrl] = useState('')
  const [maxConnections, setMax] = useState(String(existing?.options?.max_connections ?? ''))
  const [failure, setFailure] = useState(null)
  const [busy, setBusy] = useState(false)
  const prefix = existing ? 'edit-ds' : 'new-ds'

  async function submit(e) {
    e.preventDefault()
    setBusy(true)
    try {
      const body = { name, kind: 'postgres', options: {} }
      if (url.trim()) body.url = url.trim()
      if (maxConnections.trim()) body.options.max_connections = Number(maxConnections)
      if (existing) {
        await api(
          'PUT',
          orgPath(org, `/datasources/${encodeURIComponent(existing.datasourceId)}`),
          body,
        )
      } else {
        await api('POST', orgPath(org, '/datasources'), body)
      }
      setFailure(null)
      setUrl('')
      onSaved(name, Boolean(existing))
      if (!existing) {
        setName('')
        setMax('')
      }
    } catch (err) {
      setFailure(err)
    } finally {
      setBusy(false)
    }
  }
  const fieldError = (f) => failure?.fieldError?.(f) ?? ''
  const field = (id, label, input, message, hint) => html`<div class="field">
    <label for=${id}>${label}</label>
    ${input}
    ${hint && html`<span class="muted" id=${`${id}-hint`}>${hint}</span>`}
    ${message && html`<span class="field-error" id=${`${id}-error`}>${message}</span>`}
  </div>`
  const described = (id, message, hint) =>
    [message && `${id}-error`, hint && `${id}-hint`].filter(Boolean).join(' ') || undefined
  const urlHint = existing
    ? `Leave empty to keep the stored URL (${existing.url ?? 'none'}). The stored one is never shown.`
    : 'postgres://user:password@host:5432/database. Write-only: it is never shown back.'
  const urlError = fieldError('url')
  const nameError = fieldError('name')
  const maxError = fieldError('options')
  const heading = existing ? `Edit ${existing.name}` : 'New datasource'
  return html`<form class="panel" noValidate onSubmit=${submit} aria-label=${heading}>
    <h2>${heading}</h2>
    ${failure && !urlError && !nameError && !maxError && html`<div class="error" role="alert">${messageOf(failure)}</div>`}
    <div class="grid2">
      ${field(
        `${prefix}-name`,
        'Datasource name',
        html`<input id=${`${prefix}-name`} value=${name} onInput=${(e) => setName(e.currentTarget.value)}
          aria-invalid=${nameError ? 'true' : undefined} aria-describedby=${described(`${prefix}-name`, nameError)} />`,
        nameError,
      )}
      ${field(
        `${prefix}-max`,
        'Max connections (optional)',
        html`<input id=${`${prefix}-max`} type="number" min="1" max="32" value=${maxConnections}
          onInput=${(e) => setMax(e.currentTarget.value)}
          aria-invalid=${maxError ? 'true' : undefined} aria-describedby=${described(`${prefix}-max`, maxError)} />`,
        maxError,
      )}
    </div>
    ${field(
      `${prefix}-url`,
      existing ? 'New connection URL' : 'Connection URL',
      html`<input id=${`${prefix}-url`} type="password" autocomplete="off" spellcheck="false" value=${url}
        onInput=${(e) => setUrl(e.currentTarget.value)}
        aria-invalid=${urlError ? 'true' : undefined} aria-describedby=${described(`${prefix}-url`, urlError, urlHint)} />`,
      urlError,
      urlHint,
    )}
    <div class="actions">
      <button type="submit" class="primary" disabled=${busy || !name.trim()}>
        ${existing ? 'Save datasource' : 'Create datasource'}
      </button>
      ${onCancel && html`<button type="button" onClick=${onCancel}>Cancel</button>`}
    </div>
  </form>`
}

/** Test connection, then the row's other buttons, then the result below them all. */
function TestButton({ org, ds, children }) {
  const [result, setResult] = useState(null)
  const [busy, setBusy] = useState(false)
  async function test() {
    setBusy(true)
    setResult({ ok: null, text: 'Testing…' })
    try {
      const res = await api(
        'POST',
        orgPath(org, `/datasources/${encodeURIComponent(ds.datasourceId)}/test`),
      )
      setResult({ ok: true, text: res?.message ?? 'Datasource reachable' })
    } catch (err) {
      setResult({ ok: false, text: messageOf(err) })
    } finally {
      setBusy(false)
    }
  }
  return html`<button type="button" onClick=${test} disabled=${busy}
      aria-label=${`Test connection of ${ds.name}`}>Test connection</button>
    ${children}
    <div role="status" class=${result?.ok === false ? 'test-result bad' : 'test-result'}>
      ${result?.text ?? ''}
    </div>`
}

export function DatasourcesPage({ me, org }) {
  const access = accessIn(me, org)
  const { data, error, reload } = useLoad(
    (signal) => api('GET', orgPath(org, '/datasources'), undefined, { signal }),
    [org],
  )
  const [editing, setEditing] = useState(null)
  const [actionError, setError] = useState(null)
  const [notice, setNotice] = useState('')
  const mayCreate = canAdmin(access, 'datasources', 'create')
  const mayUpdate = canAdmin(access, 'datasources', 'update')
  const mayDelete = canAdmin(access, 'datasources', 'delete')

  function saved(name, wasEdit) {
    setNotice(wasEdit ? `Datasource ${name} updated` : `Datasource ${name} created`)
    setEditing(null)
    setError(null)
    reload()
  }
  async function remove(ds) {
    if (!confirm(`Delete the datasource ${ds.name}?`)) return
    try {
      await api('DELETE', orgPath(org, `/datasources/${encodeURIComponent(ds.datasourceId)}`))
      setNotice(`Datasource ${ds.name} deleted`)
      setError(null)
      reload()
    } catch (err) {
      setError(err)
    }
  }

  const list = data?.list ?? []
  const current = editing && list.find((d) => d.datasourceId === editing)
  return html`<section>
    <${PageTitle}>Datasources<//>
    <${AdminNav} me=${me} org=${org} current="datasources" />
    <${ErrorBox} error=${error || actionError} />
    <${Notice}>${notice}<//>
    ${
      current &&
      html`<${DatasourceForm} key=${current.datasourceId} org=${org} existing=${current}
        onSaved=${saved} onCancel=${() => setEditing(null)} />`
    }
    ${!current && mayCreate && data && html`<${DatasourceForm} key="new" org=${org} onSaved=${saved} />`}
    ${!data && !error && html`<p class="loading">Loading datasources…</p>`}
    ${
      data &&
      html`<div class="table-wrap"><table>
        <caption class="sr-only">Datasources of ${org}</caption>
        <thead><tr>
          <th scope="col">Name</th><th scope="col">Kind</th><th scope="col">Connection</th>
          <th scope="col"><span class="sr-only">Actions</span></th>
        </tr></thead>
        <tbody>
          ${list.map(
            (ds) => html`<tr key=${ds.datasourceId}>
            <td>${ds.name}${ds.builtin && html` <span class="muted">(built in)</span>`}</td>
            <td>${ds.kind}</td>
            <td>${ds.url ? html`<span class="mono">${ds.url}</span>` : html`<span class="muted">—</span>`}</td>
            <td class="row-actions">
              <${TestButton} org=${org} ds=${ds}>
              ${
                !ds.builtin &&
                mayUpdate &&
                html`<button type="button" onClick=${() => setEditing(ds.datasourceId)}
                  aria-label=${`Edit ${ds.name}`}>Edit</button>`
              }
              ${
                !ds.builtin &&
                mayDelete &&
                html`<button type="button" class="danger" onClick=${() => remove(ds)}
                  aria-label=${`Delete ${ds.name}`}>Delete</button>`
              }
              <//>
            </td>
          </tr>`,
          )}
        </tbody>
      </table></div>`
    }
  </section>`
}
