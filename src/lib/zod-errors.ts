import type { z } from 'zod'
import type { FieldError } from '../errors.ts'

/** `dashboards[0].timerange.period` style names, as the envelope's `fields` use. */
export function fieldName(path: PropertyKey[]): string {
  let out = ''
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`
    else out += out ? `.${String(p)}` : String(p)
  }
  return out || '(body)'
}

export function fieldErrorsOf(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => {
    const name = fieldName(issue.path)
    let description = issue.message
    if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) {
      description = `${name} is required`
    } else if (!description.toLowerCase().includes(name.toLowerCase()) && name !== '(body)') {
      description = `${name}: ${description}`
    }
    return { name, description }
  })
}
