import type { Context } from 'hono'
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

export function envelope(
  c: Context,
  code: ErrorCode,
  message: string,
  fields?: FieldError[],
  status: ContentfulStatusCode = STATUS[code],
  description?: string,
): Response {
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
