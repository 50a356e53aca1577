import { useRef, useState } from 'preact/hooks'
import { api, orgPath } from '../lib/api.js'
import { html } from '../lib/html.js'
import { ErrorBox } from '../lib/ui.js'

/**
 * "Run now": a button that opens a dialog to trigger the report once, with an optional range
 * in the API's phrases ("beginning of month" → "now", resolved in the report's timezone) and a
 * dry-run switch. Answers the new run's id through `onStarted`; the page then watches it.
 * Embeddable by any page that knows the report (`PUT …/reports/{id}/trigger?wait=0`).
 */
export function RunNowButton({ org, reportId, onStarted, label = 'Run now', allowed = true }) {
  const ref = useRef(null)
  const [from, setFrom] = useState('')
  const [to, setTo] = useState('')
  const [dryRun, setDryRun] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState(null)

  function open() {
    setError(null)
    ref.current?.showModal()
  }
  function close() {
    ref.current?.close()
  }
  const fieldError = (name) => error?.fieldError?.(name) ?? ''

  async function submit(e) {
    e.preventDefault()
    const body = {}
    if (from.trim() || to.trim()) {
      body.timerange = { from: from.trim() || 'beginning of month', to: to.trim() || 'now' }
    }
    if (dryRun) body.dry_run = true
    setBusy(true)
    try {
      // wait=0: answer at once with the queued run; the run page polls it to the end.
      const res = await api(
        'PUT',
        orgPath(org, `/reports/${encodeURIComponent(reportId)}/trigger?wait=0`),
        body,
      )
      close()
      onStarted(res.run_id)
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }

  const fromErr = fieldError('timerange.from')
  const toErr = fieldError('timerange.to')
  const rangeErr = !fromErr && !toErr ? fieldError('timerange') : ''
  // Hidden for callers the API would refuse (GET /api/v2/me); a forced trigger still gets its 403.
  if (!allowed) return null
  return html`<button type="button" class="button primary" onClick=${open}>${label}</button>
    <dialog ref=${ref} class="run-now" aria-labelledby="run-now-title">
      <form onSubmit=${submit} noValidate>
        <h2 id="run-now-title">Run the report now</h2>
        <p class="muted">Leave the range empty to use the report's own time range. Phrases such as
          "beginning of month", "3 days ago" or "now" are read in the report's timezone.</p>
        <div class="grid2">
          <div class="field">
            <label for="run-from">From</label>
            <input id="run-from" value=${from} placeholder="beginning of month"
              aria-invalid=${fromErr ? 'true' : undefined} aria-describedby=${fromErr ? 'run-from-error' : undefined}
              onInput=${(e) => setFrom(e.currentTarget.value)} />
            ${fromErr && html`<div class="field-error" id="run-from-error">${fromErr}</div>`}
          </div>
          <div class="field">
            <label for="run-to">To</label>
            <input id="run-to" value=${to} placeholder="now"
              aria-invalid=${toErr ? 'true' : undefined} aria-describedby=${toErr ? 'run-to-error' : undefined}
              onInput=${(e) => setTo(e.currentTarget.value)} />
            ${toErr && html`<div class="field-error" id="run-to-error">${toErr}</div>`}
          </div>
        </div>
        ${rangeErr && html`<div class="field-error">${rangeErr}</div>`}
        <label class="switch">
          <input type="checkbox" checked=${dryRun} onChange=${(e) => setDryRun(e.currentTarget.checked)} />
          <span>Dry run (render, send nothing)</span>
        </label>
        ${!(fromErr || toErr || rangeErr) && html`<${ErrorBox} error=${error} />`}
        <div class="actions">
          <button type="submit" class="primary" disabled=${busy}>${busy ? 'Starting…' : 'Start run'}</button>
          <button type="button" onClick=${close}>Cancel</button>
        </div>
      </form>
    </dialog>`
}
