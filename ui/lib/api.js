/**
 * The UI's only way to the server: the public API, signed in by the session cookie. Every
 * request sends X-Herald-CSRF, which state-changing cookie requests require (README, "Browser
 * sessions").
 */

export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} message
   * @param {{name: string, description: string}[]} fields
   * @param {string} [description]
   */
  constructor(status, message, fields = [], description = '') {
    super(message)
    this.status = status
    this.fields = fields
    this.description = description
  }

  /** The API's message for one field (`dashboards.0.dashboard`, `destinations`…), if any. */
  fieldError(name) {
    const hit = this.fields.find((f) => f.name === name || f.name.startsWith(`${name}.`))
    return hit ? hit.description : ''
  }
}

/** Listeners told when a request answers 401 (the session ended): the shell shows sign-in. */
const onSignedOut = new Set()
export function whenSignedOut(fn) {
  onSignedOut.add(fn)
  return () => onSignedOut.delete(fn)
}

/**
 * @param {string} method
 * @param {string} path  from /api/…
 * @param {unknown} [body]  sent as JSON
 * @param {{signal?: AbortSignal, quiet401?: boolean}} [opts]
 */
export async function api(method, path, body, opts = {}) {
  const headers = { 'X-Herald-CSRF': '1', Accept: 'application/json' }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  let res
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      signal: opts.signal,
    })
  } catch (err) {
    if (err?.name === 'AbortError') throw err
    throw new ApiError(0, 'Herald cannot be reached; check that it is running')
  }
  const text = await res.text()
  let data = null
  if (text) {
    try {
      data = JSON.parse(text)
    } catch {
      data = null
    }
  }
  if (!res.ok) {
    const message =
      (data && typeof data.message === 'string' && data.message) ||
      `The server answered ${res.status} ${res.statusText}`
    const err = new ApiError(
      res.status,
      message,
      Array.isArray(data?.fields) ? data.fields : [],
      typeof data?.description === 'string' ? data.description : '',
    )
    if (res.status === 401 && !opts.quiet401) for (const fn of onSignedOut) fn()
    throw err
  }
  return data
}

/** `/api/v2/{org}/…` with the org escaped. */
export function orgPath(org, rest) {
  return `/api/v2/${encodeURIComponent(org)}${rest}`
}

/** A message fit for a person, whatever was thrown (never `[object Object]`). */
export function messageOf(err) {
  if (err instanceof ApiError) {
    return err.description ? `${err.message}: ${err.description}` : err.message
  }
  if (err instanceof Error && err.message) return err.message
  return 'Something went wrong'
}
