import { html } from './html.js'

/**
 * The API's field errors (the envelope's `fields`, named like `dashboards[0].tabs`) shown next to
 * their controls: each control names its message with aria-describedby.
 */

/** A DOM id for a field name: `destinations[0].email` → `f-destinations-0-email`. */
export function fieldId(name) {
  return `f-${name.replace(/[^A-Za-z0-9]+/g, '-').replace(/-$/, '')}`
}

/**
 * Messages for the fields the page shows, plus those it has no place for.
 * @param {{name: string, description: string}[]} fields
 * @param {(name: string) => string | undefined} placeOf  the shown field a name belongs to
 */
export function sortFieldErrors(fields, placeOf) {
  const at = {}
  const rest = []
  for (const f of fields) {
    const place = placeOf(f.name)
    if (place) at[place] = at[place] ? `${at[place]}; ${f.description}` : f.description
    else rest.push(f)
  }
  return { at, rest }
}

/** Props for a control whose field may carry an error (and an optional hint). */
export function describedBy(errors, key, hintId) {
  const ids = [errors[key] ? `${fieldId(key)}-error` : '', hintId ?? ''].filter(Boolean)
  return {
    'aria-invalid': errors[key] ? 'true' : undefined,
    'aria-describedby': ids.length ? ids.join(' ') : undefined,
  }
}

export function FieldError({ errors, name }) {
  const text = errors[name]
  if (!text) return null
  return html`<p class="field-error" id=${`${fieldId(name)}-error`}>${text}</p>`
}

/** The same for a group (fieldset): it takes aria-describedby but not aria-invalid. */
export function describedGroup(errors, key) {
  return { 'aria-describedby': errors[key] ? `${fieldId(key)}-error` : undefined }
}
