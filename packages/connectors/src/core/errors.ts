import { AppError } from '@trustsync/core';

/** Every way a vendor call can fail, as the worker needs to tell them apart. */
export const CONNECTOR_ERROR_KINDS = ['auth', 'forbidden', 'rate_limited', 'not_found', 'transient', 'invalid_response', 'unsupported', 'rejected'] as const;
export type ConnectorErrorKind = (typeof CONNECTOR_ERROR_KINDS)[number];

/**
 * A vendor failure reduced to one kind. `rejected` is a 4xx that will not change on retry
 * (a bad command for this device, a validation error); `retryAt` is set for `rate_limited`.
 */
export class ConnectorError extends AppError {
  constructor(
    readonly kind: ConnectorErrorKind,
    readonly vendor: string,
    message: string,
    readonly extra: { status?: number; retryAt?: Date; vendorCode?: string; request?: string } = {},
    options?: { cause?: unknown },
  ) {
    super(`vendor_${kind}`, message, { vendor, kind, status: extra.status, vendor_code: extra.vendorCode, retry_at: extra.retryAt?.toISOString() }, options);
  }

  get status(): number | undefined {
    return this.extra.status;
  }

  get retryAt(): Date | undefined {
    return this.extra.retryAt;
  }

  /** True when a later try may succeed without anyone changing anything. */
  get retryable(): boolean {
    return this.kind === 'transient' || this.kind === 'rate_limited';
  }
}

/** The kind a plain HTTP status maps to when a vendor says nothing more specific. */
export function kindForStatus(status: number): ConnectorErrorKind {
  if (status === 401) return 'auth';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status === 408 || status >= 500) return 'transient';
  return 'rejected';
}

/** True for a ConnectorError of one of the given kinds. */
export function isConnectorError(err: unknown, ...kinds: ConnectorErrorKind[]): err is ConnectorError {
  return err instanceof ConnectorError && (kinds.length === 0 || kinds.includes(err.kind));
}
