import type { Context } from 'hono'

export interface FileBody {
  filename: string
  mediaType: string
  bytes: Buffer
}

/** A file download: its type (text as UTF-8), a download name, and no shared caching. */
export function fileResponse(c: Context, file: FileBody, headers: Record<string, string> = {}) {
  const type = file.mediaType.startsWith('text/')
    ? `${file.mediaType}; charset=utf-8`
    : file.mediaType
  // Names are already ASCII-safe (safeFilename); the quote escape is belt and braces.
  const name = file.filename.replace(/["\\\r\n]/g, '_')
  return c.body(new Uint8Array(file.bytes), 200, {
    'content-type': type,
    'content-disposition': `attachment; filename="${name}"`,
    'content-length': String(file.bytes.length),
    'cache-control': 'private, no-store',
    ...headers,
  })
}
