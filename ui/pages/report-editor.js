import { useEffect, useMemo, useState } from 'preact/hooks'
import { api, orgPath } from '../lib/api.js'
import { describedBy, describedGroup, FieldError, fieldId, sortFieldErrors } from '../lib/fields.js'
import { html } from '../lib/html.js'
import { RecipientChips } from '../lib/recipients.js'
import { href } from '../lib/router.js'
import { scheduleInWords } from '../lib/schedule.js'
import { SchedulePreview } from '../lib/schedule-preview.js'
import { ErrorBox, PageTitle, useLoad } from '../lib/ui.js'
import { allZones, fromLocalInput, toLocalInput, viewerZone } from '../lib/zoned.js'

/**
 * The report editor (/o/:org/reports/new?folder=…, /o/:org/reports/:id/edit): the
 * OpenObserve-shaped report, saved with POST or PUT; the API judges it and its field errors are
 * shown on their fields.
 */

const FREQUENCIES = [
  ['once', 'Once'],
  ['hours', 'Every N hours'],
  ['days', 'Every N days'],
  ['weeks', 'Every N weeks'],
  ['months', 'Every N months'],
  ['cron', 'Cron expression'],
]
const PERIODS = ['15m', '1h', '12h', '1d', '7d', '30d', '1M', '3M', '1y']
const FORMATS = [
  ['pdf', 'PDF'],
  ['png', 'PNG image'],
  ['csv', 'CSV (one file per data panel)'],
]
/** The API's limit on dashboard entries per report. */
const MAX_ENTRIES = 20
/** What each entry has of its own; the time range and format are shared (SHARED_KEYS). */
const ENTRY_KEYS = ['dashboard', 'tabs', 'variables']
const SHARED_KEYS = ['timerange', 'report_type', 'email_attachment_type', 'attachment_dimensions']

/**
 * Which control an API field name belongs to: `dashboards[1].tabs` → `tabs-1` (that entry's
 * tabs); the shared time range and format take the message of any entry.
 */
function placeOf(name) {
  if (name === 'name' || name === 'title' || name === 'description' || name === 'message')
    return name
  if (name === 'start') return 'start'
  if (name === 'frequency.cron') return 'cron'
  if (name === 'frequency.interval') return 'interval'
  if (name.startsWith('frequency')) return 'frequency'
  if (name.startsWith('timezone')) return 'timezone'
  if (name.startsWith('destinations')) return 'destinations'
  if (name === 'dashboards') return 'dashboards'
  const m = /^dashboards\[(\d+)\]\.([a-z_]+)/.exec(name)
  if (m && ENTRY_KEYS.includes(m[2])) return `${m[2]}-${m[1]}`
  if (m && m[2] === 'folder') return `dashboard-${m[1]}`
  if (m) return m[2]
  return undefined
}

let entryKeys = 0

/** A dashboard entry as the form holds it; `raw` is the API's entry (null for a new one). */
function entryOf(d, raw = d) {
  const variables = {}
  for (const v of d.variables ?? []) variables[v.key] = [...(variables[v.key] ?? []), v.value]
  return {
    key: ++entryKeys,
    raw,
    dashboard: d.dashboard ?? '',
    dashboardFolder: d.folder ?? 'default',
    tabs: d.tabs ?? [],
    variables,
    own: false,
  }
}

/**
 * A new entry on the first dashboard of the list no entry has yet (the API refuses one listed
 * twice), with its first tab; none left: a blank entry to choose for.
 */
function newEntry(dashboards, entries = []) {
  const dashboard = dashboards.find((d) => !entries.some((e) => e.dashboard === d.dashboardId))
  return entryOf(
    {
      dashboard: dashboard?.dashboardId ?? '',
      folder: dashboard?.folderId ?? 'default',
      tabs: dashboard?.tabs[0] ? [dashboard.tabs[0].tabId] : [],
    },
    null,
  )
}

const sharedOf = (d) => JSON.stringify(SHARED_KEYS.map((k) => d?.[k] ?? null))

function slug(title) {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 200)
}

function tomorrowAtNine(tz) {
  const ms = Date.now() + 86_400_000
  return fromLocalInput(`${toLocalInput(ms, tz).slice(0, 10)}T09:00`, tz)
}

function emptyForm() {
  const tz = viewerZone()
  return {
    name: '',
    nameTouched: false,
    title: '',
    description: '',
    message: '',
    entries: [],
    rangeType: 'relative',
    period: '7d',
    from: '',
    to: '',
    reportType: 'pdf',
    attachment: 'standard',
    width: '',
    height: '',
    emails: [],
    type: 'weeks',
    interval: 1,
    cron: '0 9 * * 1',
    start: toLocalInput(tomorrowAtNine(tz), tz),
    timezone: tz,
    enabled: true,
    imagePreview: false,
    manualRuns: 'anyone',
  }
}

/**
 * The API's report → the form. Every entry is kept, with whatever fields the form has no control
 * for; the shared time range and format come from the first entry, and an entry whose own differ
 * keeps them as saved.
 */
function formOf(r) {
  const d = r.dashboards?.[0] ?? {}
  const tz = r.timezone || 'UTC'
  const entries = (r.dashboards ?? []).map((x, i) => ({
    ...entryOf(x),
    own: i > 0 && sharedOf(x) !== sharedOf(d),
  }))
  const tr = d.timerange ?? { type: 'relative', period: '7d' }
  return {
    ...emptyForm(),
    name: r.name,
    nameTouched: true,
    title: r.title ?? '',
    description: r.description ?? '',
    message: r.message ?? '',
    entries,
    rangeType: tr.type,
    period: tr.period || '7d',
    from: tr.from ? toLocalInput(tr.from / 1000, tz) : '',
    to: tr.to ? toLocalInput(tr.to / 1000, tz) : '',
    reportType: d.report_type ?? 'pdf',
    attachment: d.email_attachment_type ?? 'standard',
    width: d.attachment_dimensions?.width ?? '',
    height: d.attachment_dimensions?.height ?? '',
    emails: (r.destinations ?? []).map((x) => x.email),
    type: r.frequency?.type ?? 'weeks',
    interval: r.frequency?.interval || 1,
    cron: r.frequency?.cron || '0 9 * * 1',
    start: r.start ? toLocalInput(r.start / 1000, tz) : emptyForm().start,
    timezone: tz,
    enabled: r.enabled,
    imagePreview: r.imagePreview,
    manualRuns: r.manual_runs ?? 'anyone',
  }
}

function toUs(local, tz) {
  const ms = fromLocalInput(local, tz)
  return Number.isNaN(ms) ? 0 : Math.round(ms) * 1000
}

/** The schedule part, as both the preview and the save send it. */
function scheduleOf(f) {
  return {
    frequency: {
      type: f.type,
      interval: f.type === 'once' || f.type === 'cron' ? 0 : Number(f.interval) || 0,
      cron: f.type === 'cron' ? f.cron : '',
      align_time: true,
    },
    start: toUs(f.start, f.timezone),
    timezone: f.timezone,
    timezoneOffset: 0,
  }
}

/** Whether the editor can show this entry: a new one, or one whose dashboard it lists. */
function understood(entry, dashboards) {
  return !entry.raw || dashboards.some((d) => d.dashboardId === entry.dashboard)
}

/**
 * The form → the OpenObserve-shaped report the API takes. An entry the editor does not
 * understand goes back exactly as it came; the others keep their unknown fields.
 */
function reportOf(f, dashboards) {
  const shared = {
    timerange:
      f.rangeType === 'relative'
        ? { type: 'relative', period: f.period, from: 0, to: 0 }
        : {
            type: 'absolute',
            period: '',
            from: toUs(f.from, f.timezone),
            to: toUs(f.to, f.timezone),
          },
    report_type: f.reportType,
    email_attachment_type: f.attachment,
  }
  if (f.reportType === 'png' && (f.width || f.height)) {
    shared.attachment_dimensions = { width: Number(f.width) || 0, height: Number(f.height) || 0 }
  }
  const entryOut = (e) => {
    if (!understood(e, dashboards)) return e.raw
    const out = {
      ...e.raw,
      dashboard: e.dashboard,
      folder: e.dashboardFolder,
      tabs: e.tabs,
      variables: Object.entries(e.variables).flatMap(([key, values]) =>
        values.map((value) => ({ key, value })),
      ),
    }
    if (e.own) return out
    delete out.attachment_dimensions
    return { ...out, ...shared }
  }
  return {
    name: f.name,
    title: f.title,
    description: f.description,
    message: f.message,
    // Blank ones too, so the API's `dashboards[i]` errors point at the entry they are about.
    dashboards: f.entries.map(entryOut),
    destinations: f.emails.map((email) => ({ email })),
    enabled: f.enabled,
    imagePreview: f.imagePreview,
    manual_runs: f.manualRuns,
    ...scheduleOf(f),
  }
}

function VariableField({ v, values, onChange, errors, place, idPrefix }) {
  const id = `${idPrefix}${v.name}`
  if (Array.isArray(v.options) && v.options.length) {
    const picked = values ?? []
    return html`<fieldset class="variable">
      <legend>${v.name} <span class="muted">(none ticked: the dashboard's own value)</span></legend>
      ${v.options.map(
        (o) => html`<label class="check"><input type="checkbox" checked=${picked.includes(o)}
          onChange=${(e) => onChange(e.currentTarget.checked ? [...picked, o] : picked.filter((x) => x !== o))} /> ${o}</label>`,
      )}
    </fieldset>`
  }
  return html`<div class="field">
    <label for=${id}>${v.name}</label>
    <input id=${id} value=${values?.[0] ?? ''} placeholder=${Array.isArray(v.value) ? v.value.join(', ') : String(v.value ?? '')}
      onInput=${(e) => onChange(e.currentTarget.value ? [e.currentTarget.value] : [])} ...${describedBy(errors, place)} />
  </div>`
}

function DashboardPreview({ org, form, entry }) {
  const [img, setImg] = useState({ url: '', error: '', busy: false })
  useEffect(() => () => img.url && URL.revokeObjectURL(img.url), [img.url])
  async function load() {
    setImg({ url: '', error: '', busy: true })
    const q = new URLSearchParams({ format: 'png', width: '1000', timezone: form.timezone })
    if (entry.tabs[0]) q.set('tab', entry.tabs[0])
    if (form.rangeType === 'relative' && form.period) q.set('period', form.period)
    const variables = Object.fromEntries(
      Object.entries(entry.variables)
        .filter(([, v]) => v.length)
        .map(([k, v]) => [k, v.length > 1 ? v : v[0]]),
    )
    try {
      const res = await fetch(
        orgPath(org, `/dashboards/${encodeURIComponent(entry.dashboard)}/render?${q}`),
        {
          method: 'POST',
          headers: { 'X-Herald-CSRF': '1', 'Content-Type': 'application/json' },
          body: JSON.stringify({ variables }),
          credentials: 'same-origin',
        },
      )
      if (!res.ok) {
        const body = await res.json().catch(() => null)
        throw new Error(body?.message || `The server answered ${res.status}`)
      }
      setImg({ url: URL.createObjectURL(await res.blob()), error: '', busy: false })
    } catch (err) {
      setImg({ url: '', error: err.message || 'The preview failed', busy: false })
    }
  }
  return html`<div class="dash-preview">
    <button type="button" onClick=${load} disabled=${!entry.dashboard || img.busy}>
      ${img.busy ? 'Rendering…' : 'Preview dashboard'}</button>
    ${img.error && html`<p class="error" role="alert">${img.error}</p>`}
    ${img.url && html`<img src=${img.url} alt="Preview of the dashboard's first chosen tab for the chosen period" />`}
  </div>`
}

/**
 * One dashboard entry: its dashboard, tabs and variables, a preview, and Remove. An entry whose
 * dashboard the caller's list lacks (deleted, or in a folder it cannot list) is shown by id and
 * kept exactly as saved.
 */
function DashboardEntry({ org, form, entry, i, count, dashboards, errors, onChange, onRemove }) {
  const n = count > 1 ? ` ${i + 1}` : ''
  const name = `Dashboard${n}`
  const remove =
    count > 1 &&
    html`<button type="button" class="danger" onClick=${onRemove}
      aria-label=${`Remove dashboard ${i + 1}`}>Remove</button>`
  if (!understood(entry, dashboards)) {
    return html`<div class="entry" role="group" aria-label=${name}>
      <p><strong>${name}</strong>: <code>${entry.dashboard}</code> (folder <code>${entry.dashboardFolder}</code>)
        is not in your dashboard list, so it is kept exactly as saved.</p>
      ${remove}
    </div>`
  }
  const dash = dashboards.find((d) => d.dashboardId === entry.dashboard)
  const at = (key) => `${key}-${i}`
  function pick(e) {
    const d = dashboards.find((x) => x.dashboardId === e.currentTarget.value)
    onChange({
      dashboard: d?.dashboardId ?? '',
      dashboardFolder: d?.folderId ?? 'default',
      tabs: d?.tabs[0] ? [d.tabs[0].tabId] : [],
      variables: {},
    })
  }
  return html`<div class="entry" role="group" aria-label=${name}>
    <div class="field">
      <label for=${fieldId(at('dashboard'))}>${name}</label>
      <select id=${fieldId(at('dashboard'))} value=${entry.dashboard} onChange=${pick} ...${describedBy(errors, at('dashboard'))}>
        <option value="">Choose a dashboard…</option>
        ${dashboards.map((d) => html`<option value=${d.dashboardId}>${d.title}</option>`)}
      </select>
      <${FieldError} errors=${errors} name=${at('dashboard')} />
    </div>
    ${
      dash &&
      html`<fieldset id=${fieldId(at('tabs'))} class="tabs-pick" ...${describedGroup(errors, at('tabs'))}>
      <legend>Tabs${count > 1 ? ` of dashboard ${i + 1}` : ''}</legend>
      ${dash.tabs.map(
        (
          t,
        ) => html`<label class="check"><input type="checkbox" checked=${entry.tabs.includes(t.tabId)}
          onChange=${(e) => onChange({ tabs: e.currentTarget.checked ? [...entry.tabs, t.tabId] : entry.tabs.filter((x) => x !== t.tabId) })} />
          ${t.name || t.tabId}</label>`,
      )}
      <${FieldError} errors=${errors} name=${at('tabs')} />
    </fieldset>`
    }
    ${
      dash?.variables?.length > 0 &&
      html`<div class="variables" id=${fieldId(at('variables'))}>
      <h3>Variables${count > 1 ? ` of dashboard ${i + 1}` : ''}</h3>
      ${dash.variables.map(
        (
          v,
        ) => html`<${VariableField} key=${v.name} v=${v} values=${entry.variables[v.name]} errors=${errors}
          place=${at('variables')} idPrefix=${`var-${i}-`}
          onChange=${(values) => onChange({ variables: { ...entry.variables, [v.name]: values } })} />`,
      )}
      <${FieldError} errors=${errors} name=${at('variables')} />
    </div>`
    }
    ${entry.own && html`<p class="hint">This dashboard keeps its own time range and format, as saved.</p>`}
    <${DashboardPreview} org=${org} form=${form} entry=${entry} />
    ${remove && html`<div class="actions">${remove}</div>`}
  </div>`
}

export function ReportEditorPage({ params, query, org, navigate }) {
  const id = params.id
  const folder = query.get('folder') ?? undefined
  const loaded = useLoad(
    async (signal) => {
      const [dashboards, report] = await Promise.all([
        api('GET', orgPath(org, '/dashboards'), undefined, { signal }),
        id
          ? api('GET', orgPath(org, `/reports/${encodeURIComponent(id)}`), undefined, { signal })
          : null,
      ])
      return { dashboards: dashboards.list, report }
    },
    [org, id],
  )
  const [form, setForm] = useState(null)
  const [saveError, setSaveError] = useState(null)
  const [previewFields, setPreviewFields] = useState([])
  const [saving, setSaving] = useState(false)

  useEffect(() => {
    if (!loaded.data || form) return
    if (loaded.data.report) setForm(formOf(loaded.data.report))
    else {
      setForm({ ...emptyForm(), entries: [newEntry(loaded.data.dashboards)] })
    }
  }, [loaded.data])

  const zones = useMemo(allZones, [])
  const fields = saveError?.fields?.length ? saveError.fields : previewFields
  const { at: errors, rest } = sortFieldErrors(fields, placeOf)

  if (loaded.error) return html`<${PageTitle}>Report<//><${ErrorBox} error=${loaded.error} />`
  if (!form) return html`<p class="loading">Loading the editor…</p>`

  const dashboards = loaded.data.dashboards
  const set = (patch) => setForm((f) => ({ ...f, ...patch }))
  const setEntry = (key, patch) =>
    setForm((f) => ({
      ...f,
      entries: f.entries.map((e) => (e.key === key ? { ...e, ...patch } : e)),
    }))
  const input = (key) => (e) => set({ [key]: e.currentTarget.value })
  const base = `/o/${encodeURIComponent(org)}`
  const folderId = folder ?? loaded.data.report?.folderId ?? 'default'
  const destErrors = (saveError?.fields ?? []).filter((x) => x.name.startsWith('destinations['))

  async function save(e) {
    e.preventDefault()
    setSaving(true)
    try {
      const body = reportOf(form, dashboards)
      const q = folder ? `?folder=${encodeURIComponent(folder)}` : ''
      let reportId = id
      if (id) await api('PUT', orgPath(org, `/reports/${encodeURIComponent(id)}${q}`), body)
      else reportId = (await api('POST', orgPath(org, `/reports${q}`), body)).id
      setSaveError(null)
      navigate(`${base}/reports/${encodeURIComponent(reportId)}`)
    } catch (err) {
      setSaveError(err)
      setSaving(false)
      // Focus the summary so a keyboard or screen reader user hears what to fix.
      setTimeout(() => document.getElementById('save-errors')?.focus(), 0)
    }
  }

  const sched = scheduleOf(form)
  return html`<section class="editor">
    <div class="heading-row">
      <${PageTitle}>${id ? `Edit ${form.title || form.name}` : 'New report'}<//>
      <a class="button" href=${href(id ? `${base}/reports/${encodeURIComponent(id)}` : `${base}/folders/${encodeURIComponent(folderId)}`)}>Cancel</a>
    </div>
    ${
      saveError &&
      html`<div class="error" id="save-errors" role="alert" tabindex="-1">
      <p>${saveError.message}</p>
      ${
        saveError.fields?.length > 0 &&
        html`<ul>${saveError.fields.map((x) => {
          const place = placeOf(x.name)
          return html`<li>${
            place
              ? html`<a href=${`#${fieldId(place)}`} onClick=${(ev) => {
                  ev.preventDefault()
                  document.getElementById(fieldId(place))?.focus()
                }}>${x.description}</a>`
              : x.description
          }</li>`
        })}</ul>`
      }
    </div>`
    }
    <form class="report-form" novalidate onSubmit=${save}>
      <fieldset>
        <legend>Report</legend>
        <div class="field">
          <label for=${fieldId('title')}>Title</label>
          <input id=${fieldId('title')} value=${form.title} ...${describedBy(errors, 'title')}
            onInput=${(e) => {
              const title = e.currentTarget.value
              set(form.nameTouched ? { title } : { title, name: slug(title) })
            }} />
          <${FieldError} errors=${errors} name="title" />
        </div>
        <div class="field">
          <label for=${fieldId('name')}>Name</label>
          <input id=${fieldId('name')} value=${form.name} ...${describedBy(errors, 'name', 'name-hint')}
            onInput=${(e) => set({ name: e.currentTarget.value, nameTouched: true })} />
          <p class="hint" id="name-hint">Unique in the org; no spaces, quotes, : # ? & or %.</p>
          <${FieldError} errors=${errors} name="name" />
        </div>
        <div class="field">
          <label for=${fieldId('description')}>Description</label>
          <input id=${fieldId('description')} value=${form.description} onInput=${input('description')} ...${describedBy(errors, 'description')} />
          <${FieldError} errors=${errors} name="description" />
        </div>
      </fieldset>

      <fieldset>
        <legend>Dashboards</legend>
        ${form.entries.map(
          (entry, i) => html`<${DashboardEntry} key=${entry.key} org=${org} form=${form}
            entry=${entry} i=${i} count=${form.entries.length} dashboards=${dashboards}
            errors=${errors} onChange=${(patch) => setEntry(entry.key, patch)}
            onRemove=${() => set({ entries: form.entries.filter((e) => e.key !== entry.key) })} />`,
        )}
        <div class="actions">
          <button type="button" disabled=${form.entries.length >= MAX_ENTRIES}
            aria-describedby="entries-hint"
            onClick=${() => set({ entries: [...form.entries, newEntry(dashboards, form.entries)] })}>Add a dashboard</button>
          <p class="hint" id="entries-hint">Up to ${MAX_ENTRIES} dashboards; each is rendered into the same email. The time range and format below apply to each.</p>
        </div>
        <${FieldError} errors=${errors} name="dashboards" />
        <fieldset id=${fieldId('timerange')} ...${describedGroup(errors, 'timerange')}>
          <legend>Time range</legend>
          <label class="check"><input type="radio" name="range" checked=${form.rangeType === 'relative'} onChange=${() => set({ rangeType: 'relative' })} /> Relative (the last …)</label>
          <label class="check"><input type="radio" name="range" checked=${form.rangeType === 'absolute'} onChange=${() => set({ rangeType: 'absolute' })} /> Absolute</label>
          ${
            form.rangeType === 'relative'
              ? html`<div class="field"><label for="period">Period</label>
                <input id="period" list="periods" value=${form.period} onInput=${input('period')} aria-describedby="period-hint" />
                <datalist id="periods">${PERIODS.map((p) => html`<option value=${p} />`)}</datalist>
                <p class="hint" id="period-hint">A number and a unit: m h d w M y (30m, 7d, 1M).</p></div>`
              : html`<div class="row">
                <div class="field"><label for="range-from">From (${form.timezone})</label>
                  <input id="range-from" type="datetime-local" value=${form.from} onInput=${input('from')} /></div>
                <div class="field"><label for="range-to">To (${form.timezone})</label>
                  <input id="range-to" type="datetime-local" value=${form.to} onInput=${input('to')} /></div>
              </div>`
          }
          <${FieldError} errors=${errors} name="timerange" />
        </fieldset>
      </fieldset>

      <fieldset>
        <legend>Format</legend>
        <div class="row">
          <div class="field">
            <label for=${fieldId('report_type')}>File format</label>
            <select id=${fieldId('report_type')} value=${form.reportType} onChange=${(e) => {
              const reportType = e.currentTarget.value
              set(reportType === 'png' ? { reportType } : { reportType, attachment: 'standard' })
            }} ...${describedBy(errors, 'report_type')}>
              ${FORMATS.map(([v, label]) => html`<option value=${v}>${label}</option>`)}
              ${!FORMATS.some(([v]) => v === form.reportType) && html`<option value=${form.reportType}>${form.reportType} (as saved)</option>`}
            </select>
            <${FieldError} errors=${errors} name="report_type" />
          </div>
          <div class="field">
            <label for=${fieldId('email_attachment_type')}>In the email</label>
            <select id=${fieldId('email_attachment_type')} value=${form.attachment} onChange=${input('attachment')} ...${describedBy(errors, 'email_attachment_type')}>
              <option value="standard">Attached</option>
              <option value="inline" disabled=${form.reportType !== 'png'}>Inline (PNG only)</option>
            </select>
            <${FieldError} errors=${errors} name="email_attachment_type" />
          </div>
          ${
            form.reportType === 'png' &&
            html`<div class="field" id=${fieldId('attachment_dimensions')}>
            <label for="dim-width">Image width (px)</label>
            <input id="dim-width" type="number" min="100" max="10000" value=${form.width} onInput=${input('width')} ...${describedBy(errors, 'attachment_dimensions')} />
            <label for="dim-height">Image height (px)</label>
            <input id="dim-height" type="number" min="100" max="10000" value=${form.height} onInput=${input('height')} ...${describedBy(errors, 'attachment_dimensions')} />
            <${FieldError} errors=${errors} name="attachment_dimensions" />
          </div>`
          }
        </div>
        <label class="check"><input type="checkbox" checked=${form.imagePreview} onChange=${(e) => set({ imagePreview: e.currentTarget.checked })} /> Show an image preview in the email</label>
      </fieldset>

      <fieldset>
        <legend>Recipients</legend>
        <div class="field">
          <label for=${fieldId('destinations')}>Email recipients</label>
          <${RecipientChips} id=${fieldId('destinations')} emails=${form.emails}
            onChange=${(emails) => {
              set({ emails })
              if (saveError) setSaveError(null)
            }}
            errorOf=${(i) => destErrors.find((x) => x.name === `destinations[${i}].email`)?.description ?? ''}
            describedBy=${describedBy(errors, 'destinations', 'dest-hint')} />
          <p class="hint" id="dest-hint">Enter or comma adds an address. None: the result stays on the server (a cached report).</p>
          <${FieldError} errors=${errors} name="destinations" />
        </div>
        <div class="field">
          <label for=${fieldId('message')}>Message</label>
          <textarea id=${fieldId('message')} rows="3" value=${form.message} onInput=${input('message')} ...${describedBy(errors, 'message')}></textarea>
          <${FieldError} errors=${errors} name="message" />
        </div>
      </fieldset>

      <fieldset class="schedule">
        <legend>Schedule</legend>
        <div class="row">
          <div class="field">
            <label for=${fieldId('frequency')}>Repeat</label>
            <select id=${fieldId('frequency')} value=${form.type} onChange=${input('type')} ...${describedBy(errors, 'frequency')}>
              ${FREQUENCIES.map(([v, label]) => html`<option value=${v}>${label}</option>`)}
            </select>
            <${FieldError} errors=${errors} name="frequency" />
          </div>
          ${
            ['hours', 'days', 'weeks', 'months'].includes(form.type) &&
            html`<div class="field">
            <label for=${fieldId('interval')}>Every (${form.type})</label>
            <input id=${fieldId('interval')} type="number" min="1" value=${form.interval} onInput=${input('interval')} ...${describedBy(errors, 'interval')} />
            <${FieldError} errors=${errors} name="interval" />
          </div>`
          }
          ${
            form.type === 'cron' &&
            html`<div class="field">
            <label for=${fieldId('cron')}>Cron expression</label>
            <input id=${fieldId('cron')} value=${form.cron} onInput=${input('cron')} ...${describedBy(errors, 'cron', 'cron-hint')} />
            <p class="hint" id="cron-hint">5 fields (minute hour day month weekday), 6 with seconds, or @daily.</p>
            <${FieldError} errors=${errors} name="cron" />
          </div>`
          }
          <div class="field">
            <label for=${fieldId('start')}>${form.type === 'once' ? 'Run at' : 'Starting'} (${form.timezone})</label>
            <input id=${fieldId('start')} type="datetime-local" value=${form.start} onInput=${input('start')} ...${describedBy(errors, 'start')} />
            <${FieldError} errors=${errors} name="start" />
          </div>
          <div class="field">
            <label for=${fieldId('timezone')}>Timezone</label>
            <select id=${fieldId('timezone')} value=${form.timezone} ...${describedBy(errors, 'timezone')}
              onChange=${(e) => {
                // Keep the wall-clock start: 09:00 stays 09:00 in the new zone.
                set({ timezone: e.currentTarget.value })
              }}>
              ${
                // The browser's list spells some zones its own way (Asia/Calcutta for the
                // report's Asia/Kolkata): the report's own stays choosable, so the select shows it.
                (zones.includes(form.timezone) ? zones : [form.timezone, ...zones]).map(
                  (z) => html`<option value=${z}>${z}</option>`,
                )
              }
            </select>
            <${FieldError} errors=${errors} name="timezone" />
          </div>
        </div>
        <p class="words"><strong>${scheduleInWords(sched.frequency, sched.start, sched.timezone)}</strong></p>
        <${SchedulePreview} org=${org} schedule=${sched} onErrors=${setPreviewFields} />
        <label class="check"><input type="checkbox" checked=${form.enabled} onChange=${(e) => set({ enabled: e.currentTarget.checked })} /> Enabled (runs on schedule)</label>
        <div class="field">
          <label for="manual-runs">Who may run it by hand</label>
          <select id="manual-runs" value=${form.manualRuns} onChange=${input('manualRuns')}>
            <option value="anyone">Anyone allowed in its folder</option>
            <option value="owner">Its owner and org admins</option>
          </select>
        </div>
      </fieldset>

      ${rest.length > 0 && !saveError && html`<ul class="error">${rest.map((x) => html`<li>${x.description}</li>`)}</ul>`}
      <div class="actions">
        <button type="submit" class="primary" disabled=${saving}>${saving ? 'Saving…' : 'Save report'}</button>
      </div>
    </form>
  </section>`
}
