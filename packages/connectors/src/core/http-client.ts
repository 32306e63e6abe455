import axios, { AxiosError, type AxiosInstance, type AxiosRequestConfig, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import axiosRetry, { exponentialDelay, isNetworkError } from 'axios-retry';
import type { Logger } from '@trustsync/core';
import { ConnectorError, kindForStatus } from './errors';
import type { RateGate, RateLimitInfo } from './rate-gate';
import { headerValue, parseRetryAfter } from './retry-after';
import { guardedAgents, outboundUrlProblem, type OutboundGuard } from './outbound-policy';

/** How a vendor client authenticates; `refresh` is called once on a 401 and returns true if it got new credentials. */
export interface AuthProvider {
  apply(config: InternalAxiosRequestConfig): Promise<void>;
  refresh?(): Promise<boolean>;
}

/** Per-request flags a vendor client may set. */
export interface VendorRequestFlags {
  /** A POST that is safe to send twice (a query, or one carrying an idempotency key). */
  retrySafe?: boolean;
  /** Set by the 401 handler so a request is replayed at most once. */
  authRetried?: boolean;
  /** Skips the auth provider (the token request itself). */
  skipAuth?: boolean;
}

declare module 'axios' {
  interface AxiosRequestConfig {
    vendor?: VendorRequestFlags;
  }
}

/** Options for `createVendorHttp`. */
export interface VendorHttpOptions {
  vendor: string;
  baseURL: string;
  gate: RateGate;
  auth?: AuthProvider;
  logger?: Logger;
  timeoutMs?: number;
  /** In-process retries for transient failures and short 429 waits; BullMQ retries the job beyond them. */
  retries?: number;
  /** A 429 asking to wait longer than this ends the call with a rate_limited error instead of blocking a worker. */
  maxRetryWaitMs?: number;
  headers?: Record<string, string>;
  /** Reads the vendor's rate-limit headers; the default reads `Retry-After`. */
  rateLimitInfo?: (res: AxiosResponse) => RateLimitInfo & { retryAfterMs?: number };
  /** Maps a vendor error body to a more precise error than the status alone gives. */
  classifyError?: (res: AxiosResponse) => ConnectorError | undefined;
  paramsSerializer?: AxiosRequestConfig['paramsSerializer'];
  maxRedirects?: number;
  /** Called after every response with its status and latency (metrics). */
  onResponse?: (status: number, latencyMs: number) => void;
  /** Refuses requests (and DNS answers) the outbound policy does not allow; absent: no check. */
  outbound?: OutboundGuard;
}

/** The guard of a vendor's requests: the service's policy with the vendor's own host patterns. */
export function outboundGuardOf(policy: OutboundPolicyLike | undefined, vendorHosts: readonly string[]): OutboundGuard | undefined {
  return policy ? { ...policy, vendorHosts } : undefined;
}

type OutboundPolicyLike = Omit<OutboundGuard, 'vendorHosts'>;

const RETRY_STATUSES = new Set([429, 502, 503, 504]);
const IDEMPOTENT = new Set(['get', 'head', 'options', 'put', 'delete']);

function requestLabel(config: AxiosRequestConfig | undefined): string {
  if (!config) return '';
  const url = (config.url ?? '').split('?')[0];
  return `${(config.method ?? 'get').toUpperCase()} ${url}`;
}

/** The wait a 429 or 503 asks for, from the vendor's headers, in milliseconds. */
function retryWaitMs(res: AxiosResponse, opts: VendorHttpOptions): number | undefined {
  if (opts.rateLimitInfo) {
    const info = opts.rateLimitInfo(res);
    if (info.retryAfterMs !== undefined) return info.retryAfterMs;
    if (info.resetAt) return Math.max(1000, info.resetAt.getTime() - Date.now());
  }
  return parseRetryAfter(headerValue(res.headers, 'retry-after'));
}

/** Turns any axios failure into a ConnectorError of one kind. */
export function toConnectorError(err: unknown, opts: Pick<VendorHttpOptions, 'vendor' | 'classifyError' | 'rateLimitInfo'>): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const ax = err as AxiosError;
  const request = requestLabel(ax.config);
  if (ax.response) {
    const res = ax.response;
    const specific = opts.classifyError?.(res);
    if (specific) return specific;
    const kind = kindForStatus(res.status);
    const retryAt = kind === 'rate_limited' ? new Date(Date.now() + (retryWaitMs(res, opts as VendorHttpOptions) ?? 60_000)) : undefined;
    return new ConnectorError(kind, opts.vendor, `${opts.vendor} answered ${res.status} to ${request}`, { status: res.status, retryAt, request }, { cause: err });
  }
  // The outbound guard refused the address DNS gave: policy, not weather, so never retried.
  if (ax.code === 'EPRIVATEADDR') {
    return new ConnectorError('rejected', opts.vendor, `refused to call ${request}: ${ax.message}`, { request }, { cause: err });
  }
  if (ax.isAxiosError || isNetworkError(ax)) {
    return new ConnectorError('transient', opts.vendor, `${opts.vendor} unreachable for ${request}: ${ax.code ?? ax.message}`, { request }, { cause: err });
  }
  return new ConnectorError('invalid_response', opts.vendor, `${opts.vendor}: ${(err as Error)?.message ?? String(err)}`, { request }, { cause: err });
}

/**
 * The one HTTP client every connector uses: axios with a per-tenant rate gate acquired on
 * every attempt (retries included), axios-retry for network errors, 5xx and short 429 waits
 * (honouring the vendor's own wait), a 401 refresh-and-replay-once, and every failure mapped
 * to a ConnectorError. A 429 pauses the whole tenant's gate, not just this request.
 */
export function createVendorHttp(opts: VendorHttpOptions): AxiosInstance {
  const maxWait = opts.maxRetryWaitMs ?? 30_000;
  const http = axios.create({
    baseURL: opts.baseURL,
    timeout: opts.timeoutMs ?? 30_000,
    headers: { Accept: 'application/json', ...opts.headers },
    paramsSerializer: opts.paramsSerializer,
    maxRedirects: opts.maxRedirects ?? 0,
    transitional: { clarifyTimeoutError: true },
    ...(opts.outbound && !opts.outbound.allowPrivate ? guardedAgents : {}),
  });

  http.interceptors.request.use(async (config) => {
    if (opts.outbound) {
      const url = http.getUri(config);
      const problem = outboundUrlProblem(url, opts.outbound);
      if (problem) throw new ConnectorError('rejected', opts.vendor, `refused to call ${requestLabel(config)}: the URL ${problem}`);
    }
    await opts.gate.acquire(config.signal as AbortSignal | undefined);
    if (opts.auth && !config.vendor?.skipAuth) await opts.auth.apply(config);
    (config as InternalAxiosRequestConfig & { startedAt?: number }).startedAt = Date.now();
    return config;
  });

  http.interceptors.response.use(
    async (res) => {
      const started = (res.config as { startedAt?: number }).startedAt;
      opts.onResponse?.(res.status, started ? Date.now() - started : 0);
      if (opts.rateLimitInfo) await opts.gate.observe(opts.rateLimitInfo(res));
      return res;
    },
    async (err: AxiosError) => {
      const res = err.response;
      const config = err.config;
      if (res) {
        const started = (config as { startedAt?: number } | undefined)?.startedAt;
        opts.onResponse?.(res.status, started ? Date.now() - started : 0);
        if (res.status === 429) {
          const wait = retryWaitMs(res, opts) ?? 2000;
          await opts.gate.pauseUntil(new Date(Date.now() + wait));
        } else if (opts.rateLimitInfo) {
          await opts.gate.observe(opts.rateLimitInfo(res));
        }
        if (res.status === 401 && config && opts.auth?.refresh && !config.vendor?.authRetried && !config.vendor?.skipAuth) {
          config.vendor = { ...config.vendor, authRetried: true };
          if (await opts.auth.refresh()) return http.request(config);
        }
      }
      throw err;
    },
  );

  axiosRetry(http, {
    retries: opts.retries ?? 3,
    shouldResetTimeout: true,
    retryCondition: (err) => {
      const method = (err.config?.method ?? 'get').toLowerCase();
      const safe = IDEMPOTENT.has(method) || err.config?.vendor?.retrySafe === true;
      if (!safe || err.code === 'EPRIVATEADDR') return false;
      if (!err.response) return isNetworkError(err) || err.code === 'ETIMEDOUT' || err.code === 'ECONNABORTED';
      if (!RETRY_STATUSES.has(err.response.status)) return false;
      const wait = retryWaitMs(err.response, opts);
      return wait === undefined || wait <= maxWait;
    },
    retryDelay: (count, err) => {
      const fromVendor = err.response ? retryWaitMs(err.response, opts) : undefined;
      const backoff = exponentialDelay(count, err, 500);
      return Math.min(maxWait, Math.max(backoff, fromVendor ?? 0));
    },
    onRetry: (count, err, config) => {
      opts.logger?.debug('vendor request retried', { vendor: opts.vendor, attempt: count, status: err.response?.status, code: err.code, request: requestLabel(config) });
    },
  });

  // After axios-retry gives up, every failure leaves as a ConnectorError.
  http.interceptors.response.use(undefined, (err) => Promise.reject(toConnectorError(err, opts)));
  return http;
}
