import { useEffect, useState } from 'preact/hooks'
import { api, orgPath } from './api.js'
import { html } from './html.js'
import { describeFires, viewerZone } from './zoned.js'

/**
 * The next 5 fire times of a schedule as the scheduler computes them
 * (POST …/reports/schedule/preview), in the report's timezone and the viewer's, marking each
 * whose UTC offset differs from the previous one's (a DST change in between).
 */
export function SchedulePreview({ org, schedule, onErrors }) {
  const [state, setState] = useState({ fires: [], error: '', done: false })
  const key = JSON.stringify(schedule)
  useEffect(() => {
    const ctl = new AbortController()
    const t = setTimeout(async () => {
      try {
        const res = await api(
          'POST',
          orgPath(org, '/reports/schedule/preview'),
          { ...schedule, count: 5 },
          { signal: ctl.signal },
        )
        setState({ fires: res.next, error: '', done: true })
        onErrors([])
      } catch (err) {
        if (err?.name === 'AbortError') return
        setState({ fires: [], error: err.message, done: true })
        onErrors(err.fields ?? [])
      }
    }, 250)
    return () => {
      clearTimeout(t)
      ctl.abort()
    }
  }, [org, key])

  const viewer = viewerZone()
  const tz = schedule.timezone || 'UTC'
  const items = describeFires(state.fires, tz, viewer)
  return html`<section class="fires" aria-labelledby="fires-heading">
    <h3 id="fires-heading">Next runs</h3>
    ${state.error && html`<p class="muted">No preview: ${state.error}</p>`}
    ${!state.done && html`<p class="muted">Working out the next runs…</p>`}
    ${state.done && !state.error && !items.length && html`<p class="muted">This schedule fires no more.</p>`}
    <ol class="fire-list" aria-live="polite">
      ${items.map(
        (f) => html`<li class=${f.reportDst || f.viewerDst ? 'fire dst' : 'fire'}>
          <span class="fire-report">${f.report} <span class="muted">${tz} (${f.reportOffset})</span></span>
          ${viewer !== tz && html`<span class="fire-viewer">${f.viewer} <span class="muted">your time, ${viewer} (${f.viewerOffset})</span></span>`}
          ${f.reportDst && html`<span class="dst-mark">DST change in ${tz}: ${f.reportDst}</span>`}
          ${f.viewerDst && viewer !== tz && html`<span class="dst-mark">DST change in ${viewer}: ${f.viewerDst}</span>`}
        </li>`,
      )}
    </ol>
  </section>`
}
