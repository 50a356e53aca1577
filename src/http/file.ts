import contentDisposition from 'content-disposition'
import type { Context } from 'hono'
import { ValidationError } from '../errors.ts'

export interface FileBody {
  filename: string
  mediaType: string
  bytes: Buffer
}

/**
 * Every file Herald serves (run outputs, signed downloads, a cached report's output, a preview)
 * goes out through here: its own type (text as UTF-8) and never sniffed as another, a download
 * name that survives any character (an ASCII `filename` for old clients, RFC 5987 `filename*`
 * with the real name whenever it differs), and no shared caching.
 */
export function fileResponse(
  c: Context,
  file: FileBody,
  headers: Record<string, string> = {},
): Response {
  const type = file.mediaType.startsWith('text/')
    ? `${file.mediaType}; charset=utf-8`
    : file.mediaType
  const ascii = file.filename.replace(/[^\x20-\x7e]/g, '_')
  return c.body(new Uint8Array(file.bytes), 200, {
    'content-type': type,
    'content-length': String(file.bytes.length),
    'content-disposition': contentDisposition(file.filename, { fallback: ascii }),
    'x-content-type-options': 'nosniff',
    'cache-control': 'private, no-store',
    ...headers,
  })
}

/** `{n}` of an outputs path: a whole number, else a 400 naming it. */
export function outputIndex(raw: string | undefined): number {
  const n = Number(raw)
  if (!raw || !/^\d{1,7}$/.test(raw) || !Number.isSafeInteger(n)) {
    throw new ValidationError([{ name: 'n', description: 'n must be an output index: 0, 1, 2, …' }])
  }
  return n
}
