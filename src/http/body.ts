import type { Context } from 'hono'
import type { z } from 'zod'
import {
  BadRequestError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../errors.ts'
import { fieldErrorsOf } from '../lib/zod-errors.ts'

export const MAX_BODY_BYTES = 1024 * 1024

/**
 * Reads a JSON body and validates it: 415 for a wrong content type, 413 above 1 MiB, 400 for
 * malformed JSON or a schema violation (with field errors). Always the envelope, never text.
 */
export async function jsonBody<S extends z.ZodType>(
  c: Context,
  schema: S,
  opts: { optional?: boolean } = {},
): Promise<z.output<S>> {
  const type = c.req.header('content-type') ?? ''
  const length = Number(c.req.header('content-length') ?? 0)
  if (length > MAX_BODY_BYTES) throw new PayloadTooLargeError()
  const text = await readLimited(c)
  if (text.trim() === '' && opts.optional) return schema.parse(undefined) as z.output<S>
  if (!/^application\/([\w.+-]*\+)?json\b/i.test(type)) throw new UnsupportedMediaTypeError()
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    throw new BadRequestError(`Failed to parse the request body as JSON: ${(err as Error).message}`)
  }
  const result = schema.safeParse(value)
  if (!result.success) throw new ValidationError(fieldErrorsOf(result.error))
  return result.data
}

async function readLimited(c: Context): Promise<string> {
  const body = c.req.raw.body
  if (!body) return ''
  const reader = body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > MAX_BODY_BYTES) {
      await reader.cancel()
      throw new PayloadTooLargeError()
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** Parses query parameters with a schema: 400 with field errors on failure. */
export function queryOf<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  const result = schema.safeParse(c.req.query())
  if (!result.success) throw new ValidationError(fieldErrorsOf(result.error))
  return result.data
}
