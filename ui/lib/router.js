import { useEffect, useState } from 'preact/hooks'

/**
 * Hash routes (`#/o/default/folders`), so Herald serves one page at `/` and the back button,
 * bookmarks and reloads work without server routes.
 */

export function currentPath() {
  const raw = location.hash.replace(/^#/, '')
  return raw.startsWith('/') ? raw : '/'
}

export function navigate(path) {
  if (currentPath() === path) return
  location.hash = path
}

export function href(path) {
  return `#${path}`
}

/** Splits `/a/b?x=1` into the path and its query. */
export function splitQuery(path) {
  const i = path.indexOf('?')
  return i < 0
    ? { path, query: new URLSearchParams() }
    : { path: path.slice(0, i), query: new URLSearchParams(path.slice(i + 1)) }
}

/**
 * Matches `/o/:org/reports/:id` against a path; answers the decoded params or null.
 * @param {string} pattern
 * @param {string} path
 */
export function match(pattern, path) {
  const p = pattern.split('/')
  const s = path.split('/')
  if (p.length !== s.length) return null
  const params = {}
  for (let i = 0; i < p.length; i++) {
    const part = p[i]
    if (part.startsWith(':')) {
      if (!s[i]) return null
      params[part.slice(1)] = decodeURIComponent(s[i])
    } else if (part !== s[i]) return null
  }
  return params
}

export function useRoute() {
  const [path, setPath] = useState(currentPath())
  useEffect(() => {
    const on = () => setPath(currentPath())
    window.addEventListener('hashchange', on)
    return () => window.removeEventListener('hashchange', on)
  }, [])
  return path
}
