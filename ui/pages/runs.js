import { useState } from 'preact/hooks'
import { accessIn, canInFolder } from '../lib/access.js'
import { api } from '../lib/api.js'
import { html } from '../lib/html.js'
import { href } from '../lib/router.js'
import {
  historyPath,
  RUN_STATES,
  rangeOfRun,
  reportApi,
  runPagePath,
  runZone,
  stateWords,
  whenExact,
} from '../lib/runs.js'
import { ErrorBox, PageTitle, useLoad, when } from '../lib/ui.js'
import { RunNowButton } from './run-now.js'

/**
 * A report's run history: newest first, filtered by state and by the day it was created (in the
 * viewer's timezone), paged with the API's cursor. `?limit=` sets the page size (default 20).
 */

const DEFAULT_LIMIT = 20

/** The API's `filter=created_at.gt.…` / `.lt.…` from a yyyy-mm-dd day in the viewer's zone. */
function dayFilters(fromDay, toDay) {
  const out = []
  if (fromDay) out.push(`created_at.gt.${new Date(`${fromDay}T00:00:00`).toISOString()}`)
  if (toDay) {
    const end = new Date(`${toDay}T00:00:00`)
    end.setDate(end.getDate() + 1)
    out.push(`created_at.lt.${end.toISOString()}`)
  }
  return out
}

function listUrl(org, reportId, { state, fromDay, toDay, cursor, limit }) {
  const q = new URLSearchParams({ order: 'desc', order_by: 'created_at', limit: String(limit) })
  if (state) q.set('state', state)
  for (const f of dayFilters(fromDay, toDay)) q.append('filter', f)
  if (cursor) q.set('cursor', cursor)
  return reportApi(org, reportId, `/runs?${q}`)
}

function rangeOf(run) {
  const r = rangeOfRun(run)
  if (!r) return html`<span class="muted">—</span>`
  const tz = runZone(run)
  return html`${when(r.from, tz)} – ${when(r.to, tz)}${tz ? html` <span class="muted">${tz}</span>` : null}`
}

export function RunsPage({ params, query, org, me, navigate }) {
  const reportId = params.id
  const limitRaw = Number(query.get('limit'))
  const limit =
    Number.isInteger(limitRaw) && limitRaw > 0 && limitRaw <= 200 ? limitRaw : DEFAULT_LIMIT
  const [state, setState] = useState('')
  const [fromDay, setFromDay] = useState('')
  const [toDay, setToDay] = useState('')
  // Cursors of the pages before this one, so "Previous" walks back what "Next" walked.
  const [cursors, setCursors] = useState([])
  const cursor = cursors[cursors.length - 1]

  const report = useLoad(
    (signal) => api('GET', reportApi(org, reportId), undefined, { signal }),
    [org, reportId],
  )
  const runs = useLoad(
    (signal) =>
      api('GET', listUrl(org, reportId, { state, fromDay, toDay, cursor, limit }), undefined, {
        signal,
      }),
    [org, reportId, state, fromDay, toDay, cursor, limit],
  )

  function filter(set) {
    return (e) => {
      set(e.currentTarget.value)
      setCursors([])
    }
  }

  const name = report.data?.name ?? reportId
  const list = runs.data?.list ?? []
  return html`<section class="runs" aria-busy=${runs.loading}>
    <p class="crumbs">Report: <a href=${href(`/o/${encodeURIComponent(org)}/reports/${encodeURIComponent(reportId)}`)}>${name}</a></p>
    <div class="heading-row">
      <${PageTitle}>Run history<//>
      ${
        report.data &&
        html`<${RunNowButton} org=${org} reportId=${reportId}
        allowed=${canInFolder(accessIn(me, org), report.data.folderId, 'trigger')}
        onStarted=${(runId) => navigate(runPagePath(org, reportId, runId))} />`
      }
    </div>
    <${ErrorBox} error=${report.error} />
    <form class="toolbar" role="search" aria-label="Filter runs" onSubmit=${(e) => e.preventDefault()}>
      <label for="runs-state">State</label>
      <select id="runs-state" value=${state} onChange=${filter(setState)}>
        <option value="">Any state</option>
        ${RUN_STATES.map((s) => html`<option value=${s}>${stateWords(s)}</option>`)}
      </select>
      <label for="runs-from">From day</label>
      <input id="runs-from" type="date" value=${fromDay} onChange=${filter(setFromDay)} />
      <label for="runs-to">To day</label>
      <input id="runs-to" type="date" value=${toDay} onChange=${filter(setToDay)} />
    </form>
    <${ErrorBox} error=${runs.error} />
    ${
      runs.data && list.length === 0
        ? html`<p class="empty">${state || fromDay || toDay ? 'No run matches these filters.' : 'This report has not run yet.'}</p>`
        : html`<div class="table-wrap"><table>
      <caption class="sr-only">Runs of ${name}, newest first</caption>
      <thead><tr>
        <th scope="col">Run</th><th scope="col">State</th><th scope="col">Trigger</th>
        <th scope="col">Range</th><th scope="col">Finished</th><th scope="col">Error</th>
      </tr></thead>
      <tbody>
        ${list.map(
          (r) => html`<tr key=${r.run_id}>
          <td><a href=${href(runPagePath(org, reportId, r.run_id))}>${whenExact(r.created_at)}</a></td>
          <td><span class=${`state state-${r.state}`}>${stateWords(r.state)}</span></td>
          <td>${r.trigger}</td>
          <td>${rangeOf(r)}</td>
          <td>${when(r.finished_at)}</td>
          <td>${r.error ? html`<span class="run-error">${r.error}</span>` : html`<span class="muted">—</span>`}</td>
        </tr>`,
        )}
      </tbody>
    </table></div>`
    }
    ${
      (cursors.length > 0 || runs.data?.next_cursor) &&
      html`<nav class="pager" aria-label="Run pages">
      <button type="button" disabled=${cursors.length === 0} onClick=${() => setCursors(cursors.slice(0, -1))}>Newer runs</button>
      <span>Page ${cursors.length + 1}</span>
      <button type="button" disabled=${!runs.data?.next_cursor} onClick=${() => setCursors([...cursors, runs.data.next_cursor])}>Older runs</button>
    </nav>`
    }
  </section>`
}

/**
 * The Runs section of the report page: Run now, the five latest runs, a link to the history.
 * @param {{org: string, reportId: string, navigate: (path: string) => void}} props
 */
export function ReportRuns({ org, reportId, navigate, canTrigger = true }) {
  const latest = useLoad(
    (signal) => api('GET', listUrl(org, reportId, { limit: 5 }), undefined, { signal }),
    [org, reportId],
  )
  const list = latest.data?.list ?? []
  return html`<div class="actions">
      <${RunNowButton} org=${org} reportId=${reportId} allowed=${canTrigger}
        onStarted=${(runId) => navigate(runPagePath(org, reportId, runId))} />
      <a class="button" href=${href(historyPath(org, reportId))}>Run history</a>
    </div>
    <${ErrorBox} error=${latest.error} />
    ${
      latest.data && list.length === 0
        ? html`<p class="empty">This report has not run yet.</p>`
        : html`<ul class="latest-runs">
      ${list.map(
        (r) => html`<li key=${r.run_id}>
        <a href=${href(runPagePath(org, reportId, r.run_id))}>${whenExact(r.created_at)}</a>
        <span class=${`state state-${r.state}`}>${stateWords(r.state)}</span>
        ${r.error && html`<span class="run-error">${r.error}</span>`}
      </li>`,
      )}
    </ul>`
    }`
}
