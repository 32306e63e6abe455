/** Details attached to an error that are safe to show to an API client. */
export type ErrorDetails = Record<string, unknown> | Array<Record<string, unknown>>;

/** Base of every expected error: a stable machine-readable `code`, a message safe for clients, and an optional cause. */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: ErrorDetails,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Input that breaks a contract: a body, a query, a job payload. */
export class ValidationError extends AppError {
  constructor(message: string, details?: ErrorDetails) {
    super('validation_failed', message, details);
  }
}

/** An id that names nothing. */
export class NotFoundError extends AppError {
  constructor(what: string, id: string) {
    super('not_found', `${what} ${id} was not found`, { id });
  }
}

/** A request without a valid API key: none, unknown, revoked or expired. */
export class UnauthorizedError extends AppError {
  constructor(message: string) {
    super('unauthorized', message);
  }
}

/** A request whose API key is valid but whose role may not do this. */
export class ForbiddenError extends AppError {
  constructor(message: string, details?: ErrorDetails) {
    super('forbidden', message, details);
  }
}

/** A request that conflicts with the current state (a duplicate name, a disabled integration). */
export class ConflictError extends AppError {
  constructor(message: string, details?: ErrorDetails) {
    super('conflict', message, details);
  }
}

/** A dependency (Postgres, Redis) that does not answer: the caller should retry later. */
export class UnavailableError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('unavailable', message, undefined, options);
  }
}

/** Configuration that cannot work; raised before any connection opens. */
export class ConfigError extends AppError {
  constructor(problems: string[]) {
    super('config_invalid', `invalid configuration:\n  - ${problems.join('\n  - ')}`, { problems });
  }
}
