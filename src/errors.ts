/**
 * Domain errors. They know nothing of HTTP: src/http/errors.ts maps each code to a status.
 */

export interface FieldError {
  name: string
  description: string
}

export type ErrorCode =
  | 'bad_request'
  | 'validation_failed'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'gone'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'unavailable'
  | 'internal'

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: FieldError[],
    /** More to say than `message`: what happened and what the caller can do about it. */
    readonly description?: string,
  ) {
    super(message)
    this.name = new.target.name
  }
}

export class BadRequestError extends DomainError {
  constructor(message: string) {
    super('bad_request', message)
  }
}

/** Field-level problems with an input; `message` is the first problem, for simple clients. */
export class ValidationError extends DomainError {
  constructor(fields: FieldError[], message?: string) {
    const first = fields[0]?.description ?? 'Invalid input'
    const more = fields.length > 1 ? ` (and ${fields.length - 1} more problem(s))` : ''
    super('validation_failed', message ?? `${first}${more}`, fields)
  }
}

export class UnauthorizedError extends DomainError {
  constructor(message = 'Unauthorized Access') {
    super('unauthorized', message)
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'Forbidden', description?: string) {
    super('forbidden', message, undefined, description)
  }
}

export class NotFoundError extends DomainError {
  constructor(message: string, description?: string) {
    super('not_found', message, undefined, description)
  }
}

/** Something that existed and was valid, but no longer is (an expired signed link). */
export class GoneError extends DomainError {
  constructor(message: string, description?: string) {
    super('gone', message, undefined, description)
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, description?: string) {
    super('conflict', message, undefined, description)
  }
}

export class PayloadTooLargeError extends DomainError {
  constructor(message = 'Request body is too large') {
    super('payload_too_large', message)
  }
}

export class UnsupportedMediaTypeError extends DomainError {
  constructor(message = 'Expected request with `Content-Type: application/json`') {
    super('unsupported_media_type', message)
  }
}

/** Something the service depends on is unavailable (e.g. delivery not configured). */
export class UnavailableError extends DomainError {
  constructor(message: string) {
    super('unavailable', message)
  }
}

/** Too many attempts; the caller may try again after `retryAfterSeconds`. */
export class RateLimitedError extends DomainError {
  constructor(
    readonly retryAfterSeconds: number,
    message = 'Too many failed sign-ins, try again later',
  ) {
    super('rate_limited', message)
  }
}
