import { useEffect, useState } from 'preact/hooks'
import { accessIn, canInFolder } from '../lib/access.js'
import { api } from '../lib/api.js'
import { html } from '../lib/html.js'
import { href } from '../lib/router.js'
import {
  historyPath,
  isFinal,
  rangeOfRun,
  reportApi,
  runApi,
  runPagePath,
  runZone,
  stateWords,
} from '../lib/runs.js'
import { ErrorBox, Notice, PageTitle, useLoad, when } from '../lib/ui.js'
import { RunNowButton } from './run-now.js'

/**
 * One run, watched live: its state is polled until it ends, then its outputs (PDF and PNG
 * shown inline, every file downloadable) and its deliveries per recipient. Retry re-delivers
 * to the failed recipients only; a queued run can be cancelled.
 */

const POLL_MS = 1000

const sizeWords = (n) =>
  n >= 1024 * 1024
    ? `${(n / 1024 / 1024).toFixed(1)} MB`
    : n >= 1024
      ? `${Math.round(n / 1024)} KB`
      : `${n} B`

/**
 * A PDF through the signed-in API, as a blob: URL, so the browser shows it inline (the API
 * sends files as attachments, which an iframe would only download).
 */
function PdfView({ url, filename }) {
  const [blobUrl, setBlobUrl] = useState('')
  const [error, setError] = useState(null)
  useEffect(() => {
    let made = ''
    const ctl = new AbortController()
    fetch(url, { credentials: 'same-origin', signal: ctl.signal })
      .then(async (res) => {
        if (!res.ok) throw new Error(`The PDF could not be loaded (${res.status})`)
        made = URL.createObjectURL(await res.blob())
        setBlobUrl(made)
      })
      .catch((err) => err?.name !== 'AbortError' && setError(err))
    return () => {
      ctl.abort()
      if (made) URL.revokeObjectURL(made)
    }
  }, [url])
  if (error) return html`<${ErrorBox} error=${error} />`
  if (!blobUrl) return html`<p class="loading">Loading the PDF…</p>`
  return html`<iframe class="pdf-view" src=${blobUrl} title=${`PDF: ${filename}`}></iframe>`
}

function Output({ o }) {
  const download = html`<a class="button" href=${o.href} download=${o.filename}>Download ${o.filename}</a>`
  return html`<li class="output">
    <div class="output-head"><strong>${o.filename}</strong> <span class="muted">${o.media_type}, ${sizeWords(o.size)}</span> ${download}</div>
    ${o.media_type === 'application/pdf' && html`<${PdfView} url=${o.href} filename=${o.filename} />`}
    ${o.media_type.startsWith('image/') && html`<img class="preview-img" src=${o.href} alt=${`Output ${o.filename}`} />`}
  </li>`
}

function Deliveries({ deliveries }) {
  if (!deliveries.length) return html`<p class="empty">No deliveries for this run.</p>`
  return html`<div class="table-wrap"><table>
    <caption class="sr-only">Deliveries per recipient</caption>
    <thead><tr><th scope="col">Recipient</th><th scope="col">State</th><th scope="col">Attempts</th>
      <th scope="col">Sent</th><th scope="col">Error</th></tr></thead>
    <tbody>
      ${deliveries.map(
        (d) => html`<tr key=${d.recipient}>
        <td>${d.recipient}</td>
        <td><span class=${`state state-${d.state}`}>${stateWords(d.state)}</span>
          ${d.possible_duplicate && html`<div class="muted">may have been sent twice</div>`}</td>
        <td>${d.attempts}</td>
        <td>${when(d.sent_at)}</td>
        <td>${d.error ? html`<span class="run-error">${d.error}</span>` : html`<span class="muted">—</span>`}</td>
      </tr>`,
      )}
    </tbody>
  </table></div>`
}

/**
 * The range in the report's zone, as the report (and its PDF) states it; dates elsewhere on the
 * page are in the viewer's.
 */
function RangeOf({ run }) {
  const r = rangeOfRun(run)
  if (!r) return html`<span class="muted">resolved when the run starts</span>`
  const tz = runZone(run)
  const own = run.parameters?.override_range ? ' (given at trigger)' : ''
  const zone = tz ? ` ${tz}` : ''
  return html`${when(r.from, tz)} – ${when(r.to, tz)}${zone}<span class="muted">${own}</span>`
}

/** What a dry run would have sent; nothing was. */
function DryRunResult({ result }) {
  if (!result) return null
  return html`<h2>Dry run: what would have been sent</h2>
    <dl class="facts">
      <dt>Subject</dt><dd>${result.subject}</dd>
      <dt>From</dt><dd>${result.from}</dd>
      <dt>To</dt><dd>${(result.recipients ?? []).map((r) => r.recipient).join(', ') || '—'}</dd>
      <dt>Files</dt><dd>${(result.files ?? []).map((f) => `${f.filename} (${f.disposition})`).join(', ') || '—'}</dd>
      <dt>Message size</dt><dd>${sizeWords(result.size ?? 0)}</dd>
    </dl>`
}

export function RunPage({ params, org, me, navigate }) {
  const { id: reportId, runId } = params
  const {
    data: run,
    error,
    reload,
  } = useLoad(
    (signal) => api('GET', runApi(org, reportId, runId), undefined, { signal }),
    [org, reportId, runId],
  )
  // The report's folder decides what the caller may do here (trigger: run again, cancel, retry).
  const report = useLoad(
    (signal) => api('GET', reportApi(org, reportId), undefined, { signal }),
    [org, reportId],
  )
  const canTrigger =
    !!report.data && canInFolder(accessIn(me, org), report.data.folderId, 'trigger')
  const [actionError, setActionError] = useState(null)
  const [notice, setNotice] = useState('')
  const [busy, setBusy] = useState(false)
  // The page stays mounted from one run to the next: what was said of the last one goes.
  useEffect(() => {
    setNotice('')
    setActionError(null)
  }, [org, reportId, runId])

  // Live: ask again every second until the run ends.
  const final = run ? isFinal(run.state) : false
  useEffect(() => {
    if (!run || final) return
    const t = setTimeout(reload, POLL_MS)
    return () => clearTimeout(t)
  }, [run, final])

  async function act(rest, done) {
    setBusy(true)
    setActionError(null)
    try {
      const res = await api('POST', runApi(org, reportId, runId, rest))
      setNotice(done(res))
      reload()
    } catch (err) {
      setActionError(err)
    } finally {
      setBusy(false)
    }
  }

  if (error) return html`<${PageTitle}>Run<//><${ErrorBox} error=${error} />`
  if (!run) return html`<p class="loading">Loading the run…</p>`

  const failed = run.deliveries.filter((d) => d.state === 'failed')
  const dryRun = run.parameters?.dry_run
  return html`<section class="run">
    <p class="crumbs"><a href=${href(historyPath(org, reportId))}>Run history</a></p>
    <div class="heading-row">
      <${PageTitle}>Run of ${when(run.created_at)}<//>
      <${RunNowButton} org=${org} reportId=${reportId} label="Run again" allowed=${canTrigger}
        onStarted=${(next) => navigate(runPagePath(org, reportId, next))} />
    </div>
    <${ErrorBox} error=${actionError} />
    <${Notice}>${notice}<//>
    <dl class="facts">
      <dt>State</dt>
      <dd><span class=${`state state-${run.state}`} role="status" aria-live="polite">${stateWords(run.state)}</span>
        ${!final && html` <span class="muted">(updating live)</span>`}</dd>
      <dt>Trigger</dt><dd>${run.trigger}${dryRun ? ' (dry run: nothing sent)' : ''}</dd>
      <dt>Range</dt><dd><${RangeOf} run=${run} /></dd>
      <dt>Queued</dt><dd>${when(run.created_at)}</dd>
      <dt>Started</dt><dd>${when(run.started_at)}</dd>
      <dt>Finished</dt><dd>${when(run.finished_at)}</dd>
      <dt>Attempt</dt><dd>${run.attempt}</dd>
      ${run.error && html`<dt>Error</dt><dd class="run-error">${run.error}</dd>`}
    </dl>
    <div class="actions">
      ${
        canTrigger &&
        run.state === 'queued' &&
        html`<button type="button" class="danger" disabled=${busy}
          onClick=${() => act('/cancel', () => 'Run cancelled')}>Cancel run</button>`
      }
      ${
        canTrigger &&
        final &&
        failed.length > 0 &&
        html`<button type="button" disabled=${busy}
          onClick=${() => act('/retry', (res) => res.message)}>Retry failed recipients (${failed.length})</button>`
      }
    </div>
    <h2>Outputs</h2>
    ${
      run.outputs.length
        ? html`<ul class="outputs">${run.outputs.map((o) => html`<${Output} key=${o.index} o=${o} />`)}</ul>`
        : html`<p class="empty">${final ? 'This run made no files.' : 'Files appear here when the run has made them.'}</p>`
    }
    <${DryRunResult} result=${run.parameters?.dry_run_result} />
    <h2>Deliveries</h2>
    <${Deliveries} deliveries=${run.deliveries} />
  </section>`
}
