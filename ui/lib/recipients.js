import { useState } from 'preact/hooks'
import { html } from './html.js'

/**
 * Recipients as chips: type an address and press Enter or comma (or paste several); each chip
 * has a remove button; an address that is not one is marked, and the API's verdict per address
 * (`destinations[i].email`) is shown on its chip.
 */

const EMAIL = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/

export function looksLikeEmail(s) {
  return EMAIL.test(s)
}

/**
 * @param {{id: string, emails: string[], onChange: (e: string[]) => void,
 *   errorOf: (i: number) => string, describedBy: object}} props
 */
export function RecipientChips({ id, emails, onChange, errorOf, describedBy }) {
  const [text, setText] = useState('')

  function add(raw) {
    const parts = raw
      .split(/[,;\s]+/)
      .map((s) => s.trim())
      .filter(Boolean)
    if (!parts.length) return
    const next = [...emails]
    for (const p of parts) if (!next.some((e) => e.toLowerCase() === p.toLowerCase())) next.push(p)
    onChange(next)
    setText('')
  }
  function onKeyDown(e) {
    if (e.key === 'Enter' || e.key === ',') {
      e.preventDefault()
      add(text)
    } else if (e.key === 'Backspace' && !text && emails.length) {
      onChange(emails.slice(0, -1))
    }
  }
  function remove(i) {
    onChange(emails.filter((_, j) => j !== i))
    document.getElementById(id)?.focus()
  }

  return html`<div class="chips">
    <ul class="chip-list" aria-label="Recipients">
      ${emails.map((email, i) => {
        const bad = errorOf(i) || (looksLikeEmail(email) ? '' : 'Not an email address')
        return html`<li class=${bad ? 'chip invalid' : 'chip'} key=${email}>
          <span>${email}</span>
          ${bad && html`<span class="chip-error">${bad}</span>`}
          <button type="button" class="chip-remove" aria-label=${`Remove ${email}`} onClick=${() => remove(i)}>×</button>
        </li>`
      })}
    </ul>
    <input id=${id} type="text" inputmode="email" autocomplete="off" value=${text}
      placeholder="name@example.com, then Enter"
      onInput=${(e) => {
        const v = e.currentTarget.value
        if (v.includes(',')) add(v)
        else setText(v)
      }}
      onKeyDown=${onKeyDown} onBlur=${() => text.trim() && add(text)} ...${describedBy} />
  </div>`
}
