import type { Context, MiddlewareHandler } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { DomainError, type ErrorCode, type FieldError, RateLimitedError } from '../errors.ts'
import { isDataException } from '../lib/sqlstate.ts'

/** The single place domain errors become HTTP statuses. */
const STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  bad_request: 400,
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  gone: 410,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
}

export interface Envelope {
  code: number
  message: string
  error: ErrorCode
  trace_id: string
  /** Present when there is more to say than `message` (seed 001's error shape). */
  description?: string
  fields?: FieldError[]
}

/** The error body every error answer carries; a reply that adds fields of its own starts here. */
export function envelopeBody(
  c: Context,
  code: ErrorCode,
  message: string,
  fields?: FieldError[],
  status: ContentfulStatusCode = STATUS[code],
  description?: string,
): Envelope {
  const body: Envelope = { code: status, message, error: code, trace_id: c.get('requestId') ?? '' }
  if (description) body.description = description
  if (fields?.length) body.fields = fields
  return body
}

/**
 * How a route family writes the envelope. `herald` is the default above; `seed000` is the shape
 * seed 000 documents, `{"error": {"code", "message"}}`. Same status, same message, chosen per
 * route by `errorStyle()`: one mapper, two spellings of its answer.
 */
export type ErrorStyle = 'herald' | 'seed000'

/** Seed 000 knows four codes; the others keep their own name (the status says the rest). */
const SEED000_CODE: Partial<Record<ErrorCode, string>> = {
  validation_failed: 'bad_request',
  payload_too_large: 'bad_request',
  unsupported_media_type: 'bad_request',
}

/** Selects the envelope's style for the routes it is mounted on, before authentication runs. */
export function errorStyle(style: ErrorStyle): MiddlewareHandler {
  return async function errorStyleMiddleware(c, next) {
    c.set('errorStyle', style)
    await next()
  }
}

export function envelope(
  c: Context,
  code: ErrorCode,
  message: string,
  fields?: FieldError[],
  status: ContentfulStatusCode = STATUS[code],
  description?: string,
): Response {
  if ((c.get('errorStyle') as ErrorStyle | undefined) === 'seed000') {
    return c.json({ error: { code: SEED000_CODE[code] ?? code, message } }, status)
  }
  return c.json(envelopeBody(c, code, message, fields, status, description), status)
}

export function errorResponse(c: Context, err: unknown): Response {
  if (err instanceof DomainError) {
    if (err instanceof RateLimitedError) c.header('Retry-After', String(err.retryAfterSeconds))
    return envelope(c, err.code, err.message, err.fields, STATUS[err.code], err.description)
  }
  if (isDataException(err)) {
    return envelope(
      c,
      'bad_request',
      'The request contains a value that cannot be stored (for example a NUL character)',
    )
  }
  // Never leak internals: the log has the stack, the client gets the request id to quote.
  c.get('log')?.error({ err, requestId: c.get('requestId') }, 'unhandled error')
  return envelope(c, 'internal', 'Internal server error', undefined)
}
