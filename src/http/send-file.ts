import type { Context } from 'hono'
import type { OutputFile } from '../delivery/index.ts'
import { ValidationError } from '../errors.ts'

/** `{n}` of an outputs path: a whole number, else a 400 naming it. */
export function outputIndex(raw: string | undefined): number {
  const n = Number(raw)
  if (!raw || !/^\d{1,7}$/.test(raw) || !Number.isSafeInteger(n)) {
    throw new ValidationError([{ name: 'n', description: 'n must be an output index: 0, 1, 2, …' }])
  }
  return n
}

/** A stored file as a download: its own type, never sniffed, never cached by shared caches. */
export function sendFile(c: Context, file: OutputFile): Response {
  const ascii = file.filename.replace(/[^\x20-\x7e]|["\\]/g, '_')
  const utf8 = encodeURIComponent(file.filename)
  return c.body(new Uint8Array(file.bytes), 200, {
    'content-type': file.mediaType,
    'content-length': String(file.bytes.length),
    'content-disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${utf8}`,
    'x-content-type-options': 'nosniff',
    'cache-control': 'private, no-store',
  })
}
