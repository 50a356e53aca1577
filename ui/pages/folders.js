import { useMemo, useState } from 'preact/hooks'
import { accessIn, canAdmin, canInFolder, foldersAllowing } from '../lib/access.js'
import { api, messageOf, orgPath } from '../lib/api.js'
import { html } from '../lib/html.js'
import { href } from '../lib/router.js'
import { scheduleInWords } from '../lib/schedule.js'
import { ErrorBox, Notice, PageTitle, useLoad, when } from '../lib/ui.js'

/** Report folders with counts; a folder's reports, searchable, paged, multi-select move/delete. */

const PAGE = 50

async function loadAll(org, signal) {
  const [folders, reports] = await Promise.all([
    api('GET', orgPath(org, '/folders/reports'), undefined, { signal }),
    api('GET', orgPath(org, '/reports'), undefined, { signal }),
  ])
  return { folders: folders.list, reports }
}

function FolderList({ org, folders, counts, current, onChanged, setError, mayCreate }) {
  const [newName, setNewName] = useState('')
  const [busy, setBusy] = useState(false)

  async function create(e) {
    e.preventDefault()
    if (!newName.trim()) return
    setBusy(true)
    try {
      const f = await api('POST', orgPath(org, '/folders/reports'), {
        name: newName,
        description: '',
      })
      setNewName('')
      await onChanged(f.folderId)
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }

  return html`<aside class="folders" aria-labelledby="folders-heading">
    <h2 id="folders-heading">Folders</h2>
    <ul>
      ${folders.map(
        (f) => html`<li>
          <a href=${href(`/o/${encodeURIComponent(org)}/folders/${encodeURIComponent(f.folderId)}`)}
             aria-current=${f.folderId === current ? 'page' : undefined}>
            <span>${f.name}</span> <span class="count" aria-label=${`${counts.get(f.folderId) ?? 0} reports`}>${counts.get(f.folderId) ?? 0}</span>
          </a>
        </li>`,
      )}
    </ul>
    ${
      mayCreate &&
      html`<form class="inline" onSubmit=${create}>
      <label for="new-folder">New folder</label>
      <input id="new-folder" value=${newName} onInput=${(e) => setNewName(e.currentTarget.value)} placeholder="Folder name" />
      <button type="submit" disabled=${busy || !newName.trim()}>Create folder</button>
    </form>`
    }
  </aside>`
}

function FolderActions({
  org,
  folder,
  count,
  onChanged,
  setError,
  setNotice,
  mayRename,
  mayDelete,
}) {
  const [renaming, setRenaming] = useState(false)
  const [name, setName] = useState(folder.name)
  if (folder.folderId === 'default' || !(mayRename || mayDelete)) return null

  async function rename(e) {
    e.preventDefault()
    try {
      await api('PUT', orgPath(org, `/folders/reports/${encodeURIComponent(folder.folderId)}`), {
        name,
        description: folder.description ?? '',
      })
      setRenaming(false)
      setNotice(`Folder renamed to ${name}`)
      await onChanged(folder.folderId)
    } catch (err) {
      setError(err)
    }
  }
  async function remove() {
    if (!confirm(`Delete the folder ${folder.name}?`)) return
    try {
      await api('DELETE', orgPath(org, `/folders/reports/${encodeURIComponent(folder.folderId)}`))
      setNotice(`Folder ${folder.name} deleted`)
      await onChanged('default')
    } catch (err) {
      setError(err)
    }
  }
  if (renaming) {
    return html`<form class="inline" onSubmit=${rename}>
      <label for="rename-folder">Folder name</label>
      <input id="rename-folder" value=${name} onInput=${(e) => setName(e.currentTarget.value)} />
      <button type="submit" class="primary">Save name</button>
      <button type="button" onClick=${() => setRenaming(false)}>Cancel</button>
    </form>`
  }
  return html`<div class="actions">
    ${mayRename && html`<button type="button" onClick=${() => setRenaming(true)}>Rename folder</button>`}
    ${
      mayDelete &&
      html`<button type="button" class="danger" onClick=${remove} disabled=${count > 0}
      title=${count > 0 ? 'Move or delete its reports first' : undefined}>Delete folder</button>`
    }
  </div>`
}

function LastRun({ run }) {
  if (!run) return html`<span class="muted">never</span>`
  return html`<span class=${`state state-${run.state}`}>${run.state}</span> <span class="muted">${when(run.finished_at ?? run.created_at)}</span>`
}

function EnabledSwitch({ org, report, onChanged, setError, mayChange }) {
  const [on, setOn] = useState(report.enabled)
  if (!mayChange) return html`<span class="muted">${on ? 'On' : 'Off'}</span>`
  async function toggle(e) {
    const value = e.currentTarget.checked
    setOn(value)
    try {
      await api(
        'PATCH',
        orgPath(org, `/reports/${encodeURIComponent(report.report_id)}/enable?value=${value}`),
      )
      onChanged()
    } catch (err) {
      setOn(!value)
      setError(err)
    }
  }
  return html`<label class="switch">
    <input type="checkbox" role="switch" checked=${on} onChange=${toggle}
      aria-label=${`Enabled: ${report.name}`} />
    <span>${on ? 'On' : 'Off'}</span>
  </label>`
}

export function FoldersPage({ params, me, org, navigate, reloadMe }) {
  const { data, error, loading, reload } = useLoad((signal) => loadAll(org, signal), [org])
  // Without a folder in the address: `default`, or the first one the caller may see.
  const folderId = params.folderId ?? data?.folders[0]?.folderId ?? 'default'
  const access = accessIn(me, org)
  const mayUpdate = canInFolder(access, folderId, 'update')
  const mayDeleteReports = canInFolder(access, folderId, 'delete')
  const maySelect = mayUpdate || mayDeleteReports
  const moveTargets = new Set(foldersAllowing(access, 'create'))
  const [search, setSearch] = useState('')
  const [page, setPage] = useState(0)
  const [selected, setSelected] = useState(() => new Set())
  const [actionError, setError] = useState(null)
  const [notice, setNotice] = useState('')
  const [moveTo, setMoveTo] = useState('')

  const counts = useMemo(() => {
    const m = new Map()
    for (const r of data?.reports ?? []) m.set(r.folder_id, (m.get(r.folder_id) ?? 0) + 1)
    return m
  }, [data])

  const inFolder = useMemo(() => {
    const q = search.trim().toLowerCase()
    return (data?.reports ?? []).filter(
      (r) =>
        r.folder_id === folderId &&
        (!q || r.name.toLowerCase().includes(q) || (r.title ?? '').toLowerCase().includes(q)),
    )
  }, [data, folderId, search])

  if (error) return html`<${PageTitle}>Reports<//><${ErrorBox} error=${error} />`
  if (!data) return html`<p class="loading">Loading reports…</p>`

  const folder = data.folders.find((f) => f.folderId === folderId)
  const pages = Math.max(1, Math.ceil(inFolder.length / PAGE))
  const shown = inFolder.slice(page * PAGE, page * PAGE + PAGE)
  const allShownSelected = shown.length > 0 && shown.every((r) => selected.has(r.report_id))

  async function changed(nextFolder) {
    setSelected(new Set())
    reload()
    // A new or renamed folder changes what GET /me allows (New report in the new folder).
    await reloadMe?.()
    if (nextFolder && nextFolder !== folderId)
      navigate(`/o/${encodeURIComponent(org)}/folders/${encodeURIComponent(nextFolder)}`)
  }
  function toggle(id) {
    const next = new Set(selected)
    if (next.has(id)) next.delete(id)
    else next.add(id)
    setSelected(next)
  }
  function toggleAll() {
    const next = new Set(selected)
    for (const r of shown) {
      if (allShownSelected) next.delete(r.report_id)
      else next.add(r.report_id)
    }
    setSelected(next)
  }
  async function move() {
    if (!moveTo) return
    try {
      await api('PATCH', orgPath(org, '/reports/move'), {
        report_ids: [...selected],
        dst_folder_id: moveTo,
      })
      setNotice(`Moved ${selected.size} report(s)`)
      setError(null)
      changed()
    } catch (err) {
      setError(err)
    }
  }
  async function removeSelected() {
    if (!confirm(`Delete ${selected.size} report(s)? Their run history goes too.`)) return
    try {
      await api('DELETE', orgPath(org, '/reports/bulk'), { ids: [...selected] })
      setNotice(`Deleted ${selected.size} report(s)`)
      setError(null)
      changed()
    } catch (err) {
      setError(err)
    }
  }

  const base = `/o/${encodeURIComponent(org)}`
  return html`<div class="two-col">
    <${FolderList} org=${org} folders=${data.folders} counts=${counts} current=${folderId}
      onChanged=${changed} setError=${setError} mayCreate=${canAdmin(access, 'folders', 'create')} />
    <section class="reports" aria-busy=${loading}>
      <div class="heading-row">
        <${PageTitle}>${folder ? folder.name : 'Folder not found'}<//>
        ${folder && canInFolder(access, folderId, 'create') && html`<a class="button primary" href=${href(`${base}/reports/new?folder=${encodeURIComponent(folderId)}`)}>New report</a>`}
      </div>
      ${
        folder &&
        html`<${FolderActions} key=${folderId} org=${org} folder=${folder} count=${counts.get(folderId) ?? 0}
        onChanged=${changed} setError=${setError} setNotice=${setNotice}
        mayRename=${canAdmin(access, 'folders', 'update')} mayDelete=${canAdmin(access, 'folders', 'delete')} />`
      }
      <${ErrorBox} error=${actionError} />
      <${Notice}>${notice}<//>
      <div class="toolbar">
        <label for="report-search">Search reports</label>
        <input id="report-search" type="search" value=${search} placeholder="Name or title"
          onInput=${(e) => {
            setSearch(e.currentTarget.value)
            setPage(0)
          }} />
        <span class="muted" aria-live="polite">${inFolder.length} report(s)</span>
      </div>
      ${
        maySelect &&
        selected.size > 0 &&
        html`<div class="toolbar selection" role="group" aria-label="Selected reports">
        <span>${selected.size} selected</span>
        ${
          mayUpdate &&
          html`<label for="move-to">Move to</label>
        <select id="move-to" value=${moveTo} onChange=${(e) => setMoveTo(e.currentTarget.value)}>
          <option value="">Choose a folder…</option>
          ${data.folders.filter((f) => f.folderId !== folderId && moveTargets.has(f.folderId)).map((f) => html`<option value=${f.folderId}>${f.name}</option>`)}
        </select>
        <button type="button" onClick=${move} disabled=${!moveTo}>Move</button>`
        }
        ${mayDeleteReports && html`<button type="button" class="danger" onClick=${removeSelected}>Delete selected</button>`}
        <button type="button" onClick=${() => setSelected(new Set())}>Clear selection</button>
      </div>`
      }
      ${
        inFolder.length === 0
          ? html`<p class="empty">${search ? 'No report matches.' : 'No reports in this folder yet.'}</p>`
          : html`<div class="table-wrap"><table>
        <caption class="sr-only">Reports in ${folder?.name ?? folderId}</caption>
        <thead><tr>
          ${maySelect && html`<th scope="col"><input type="checkbox" aria-label="Select all shown" checked=${allShownSelected} onChange=${toggleAll} /></th>`}
          <th scope="col">Report</th><th scope="col">Schedule</th><th scope="col">Next run</th>
          <th scope="col">Last run</th><th scope="col">Enabled</th>
        </tr></thead>
        <tbody>
          ${shown.map(
            (r) => html`<tr key=${r.report_id}>
            ${maySelect && html`<td><input type="checkbox" aria-label=${`Select ${r.name}`} checked=${selected.has(r.report_id)} onChange=${() => toggle(r.report_id)} /></td>`}
            <td><a href=${href(`${base}/reports/${encodeURIComponent(r.report_id)}`)}>${r.name}</a>
              ${r.title && r.title !== r.name ? html`<div class="muted">${r.title}</div>` : null}</td>
            <td>${scheduleInWords(r.frequency, r.start ?? r.created_at, r.timezone)}</td>
            <td>${r.enabled ? when(r.next_run_at, r.timezone) : html`<span class="muted">paused</span>`}</td>
            <td><${LastRun} run=${r.last_run} /></td>
            <td><${EnabledSwitch} key=${`${r.report_id}:${r.enabled}`} org=${org} report=${r} onChanged=${reload} setError=${setError} mayChange=${mayUpdate} /></td>
          </tr>`,
          )}
        </tbody>
      </table></div>`
      }
      ${
        pages > 1 &&
        html`<nav class="pager" aria-label="Pages">
        <button type="button" onClick=${() => setPage(page - 1)} disabled=${page === 0}>Previous</button>
        <span>Page ${page + 1} of ${pages}</span>
        <button type="button" onClick=${() => setPage(page + 1)} disabled=${page + 1 >= pages}>Next</button>
      </nav>`
      }
    </section>
  </div>`
}

export { messageOf }
