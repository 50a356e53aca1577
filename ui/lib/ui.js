import { useEffect, useRef, useState } from 'preact/hooks'
import { messageOf } from './api.js'
import { html } from './html.js'

/** Small shared pieces every page uses: page title, load state, error box. */

/** Sets the document title and moves focus to the page heading on navigation. */
export function PageTitle({ children }) {
  const ref = useRef(null)
  const text = Array.isArray(children) ? children.join('') : String(children)
  useEffect(() => {
    document.title = `${text} · Herald`
    ref.current?.focus()
  }, [text])
  return html`<h1 tabindex="-1" ref=${ref}>${children}</h1>`
}

export function ErrorBox({ error }) {
  if (!error) return null
  return html`<div class="error" role="alert">${messageOf(error)}</div>`
}

export function Notice({ children }) {
  if (!children) return null
  return html`<div class="notice" role="status">${children}</div>`
}

/**
 * Loads with `fn` when `deps` change; answers {data, error, loading, reload}.
 * @template T
 * @param {(signal: AbortSignal) => Promise<T>} fn
 * @param {unknown[]} deps
 */
export function useLoad(fn, deps) {
  const [state, setState] = useState({ data: undefined, error: null, loading: true })
  const [tick, setTick] = useState(0)
  useEffect(() => {
    const ctl = new AbortController()
    setState((s) => ({ ...s, loading: true }))
    fn(ctl.signal).then(
      (data) => !ctl.signal.aborted && setState({ data, error: null, loading: false }),
      (error) =>
        !ctl.signal.aborted &&
        error?.name !== 'AbortError' &&
        setState({ data: undefined, error, loading: false }),
    )
    return () => ctl.abort()
  }, [...deps, tick])
  return { ...state, reload: () => setTick((t) => t + 1) }
}

/** A date as the viewer reads it: in their own timezone, or in `timeZone` when given. */
export function when(value, timeZone) {
  if (value === null || value === undefined || value === 0 || value === '') return '—'
  // The API's microseconds (OpenObserve) or an RFC 3339 string.
  const d = typeof value === 'number' ? new Date(value / 1000) : new Date(value)
  if (Number.isNaN(d.getTime())) return '—'
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone })
}
