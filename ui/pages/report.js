import { accessIn, canInFolder } from '../lib/access.js'
import { api, orgPath } from '../lib/api.js'
import { html } from '../lib/html.js'
import { href } from '../lib/router.js'
import { scheduleInWords } from '../lib/schedule.js'
import { ErrorBox, PageTitle, useLoad, when } from '../lib/ui.js'
import { ReportRuns } from './runs.js'

/**
 * One report (/o/:org/reports/:id): title, schedule in words, recipients, an Edit button, and the
 * "Runs" section, which the run pages (ui/pages/run*.js) fill with trigger and history.
 */

export function ReportSummary({ org, report }) {
  const base = `/o/${encodeURIComponent(org)}`
  const entries = report.dashboards?.length ? report.dashboards : [undefined]
  const formatOf = (d) => {
    const range =
      d?.timerange?.type === 'absolute'
        ? `${when(d.timerange.from)} – ${when(d.timerange.to)}`
        : `the last ${d?.timerange?.period || '—'}`
    return `${(d?.report_type ?? 'pdf').toUpperCase()} of ${range}`
  }
  // One line per distinct format: a report of several dashboards says so, and how each is drawn.
  const formats = [...new Set(entries.map(formatOf))]
  const format =
    entries.length > 1
      ? `${entries.length} dashboards: ${formats.join('; ')}${formats.length === 1 ? ' (each)' : ''}`
      : formats[0]
  return html`<dl class="facts">
    <dt>Schedule</dt><dd>${scheduleInWords(report.frequency, report.start, report.timezone)}</dd>
    <dt>Next run</dt><dd>${report.enabled ? `${when(report.nextRunAt)} (your time)` : 'Paused (not enabled)'}</dd>
    <dt>Folder</dt><dd><a href=${href(`${base}/folders/${encodeURIComponent(report.folderId)}`)}>${report.folderName ?? report.folderId}</a></dd>
    <dt>Format</dt><dd>${format}</dd>
    <dt>Recipients</dt><dd>${report.destinations?.length ? report.destinations.map((x) => x.email).join(', ') : 'None (kept on the server)'}</dd>
  </dl>`
}

/**
 * @param {{params: {id: string}, org: string, runs?: unknown}} props  `runs` replaces the
 *   placeholder of the Runs section (for the run pages).
 */
export function ReportPage({ params, org, me, runs, navigate }) {
  const { data, error } = useLoad(
    async (signal) => {
      const [report, folders] = await Promise.all([
        api('GET', orgPath(org, `/reports/${encodeURIComponent(params.id)}`), undefined, {
          signal,
        }),
        // Only for the folder's name: the report page still shows when the list is refused.
        api('GET', orgPath(org, '/folders/reports'), undefined, { signal }).catch(() => ({
          list: [],
        })),
      ])
      const folder = folders.list.find((f) => f.folderId === report.folderId)
      return { ...report, folderName: folder?.name ?? report.folderId }
    },
    [org, params.id],
  )
  if (error) return html`<${PageTitle}>Report<//><${ErrorBox} error=${error} />`
  if (!data) return html`<p class="loading">Loading the report…</p>`
  const base = `/o/${encodeURIComponent(org)}`
  const access = accessIn(me, org)
  return html`<section class="report-page">
    <div class="heading-row">
      <${PageTitle}>${data.title || data.name}<//>
      ${
        canInFolder(access, data.folderId, 'update') &&
        html`<a class="button primary" href=${href(`${base}/reports/${encodeURIComponent(data.id)}/edit`)}>Edit</a>`
      }
    </div>
    ${data.description && html`<p>${data.description}</p>`}
    <${ReportSummary} org=${org} report=${data} />
    <section class="runs" id="runs" aria-labelledby="runs-heading">
      <h2 id="runs-heading">Runs</h2>
      ${
        runs ??
        html`<${ReportRuns} org=${org} reportId=${data.id} navigate=${navigate}
        canTrigger=${canInFolder(access, data.folderId, 'trigger')} />`
      }
    </section>
  </section>`
}
