import { manifest as seraphicManifest } from './manifest';
import type { AxiosInstance, AxiosResponse } from 'axios';
import { ConnectorError, createVendorHttp, outboundGuardOf, headerValue, parseRetryAfter, type ConnectorContext, type RateLimitInfo } from '../core';
import type { SentinelRecord } from './mappers';
import type { ResolvedSeraphicSettings } from './settings';

const VENDOR = 'seraphic';

function firstInt(value: string | undefined): number | undefined {
  const m = value ? /\d+/.exec(value) : null;
  return m ? Number(m[0]) : undefined;
}

/** Seraphic's (proposed) `Retry-After` in seconds and `X-RateLimit-*` budget headers. */
export function seraphicRateLimitInfo(res: AxiosResponse): RateLimitInfo & { retryAfterMs?: number } {
  const limit = firstInt(headerValue(res.headers, 'x-ratelimit-limit'));
  const remaining = firstInt(headerValue(res.headers, 'x-ratelimit-remaining'));
  if (res.status !== 429) return { limit, remaining };
  return { limit, remaining, retryAfterMs: parseRetryAfter(headerValue(res.headers, 'retry-after')) ?? 1000 };
}

/** Keeps the vendor's error code (`{error, message}` in the proposed shape) on the error; the status decides the kind. */
export function classifySeraphicError(res: AxiosResponse): ConnectorError | undefined {
  const body = res.data && typeof res.data === 'object' ? (res.data as Record<string, unknown>) : {};
  if (res.status === 429 || typeof body.error !== 'string') return undefined;
  const kind = res.status === 401 ? 'auth' : res.status === 403 ? 'forbidden' : res.status === 404 ? 'not_found' : res.status >= 500 ? 'transient' : 'rejected';
  const request = `${(res.config?.method ?? 'get').toUpperCase()} ${(res.config?.url ?? '').split('?')[0]}`;
  return new ConnectorError(kind, VENDOR, `Seraphic answered ${res.status} ${body.error} to ${request}`, { status: res.status, vendorCode: body.error, request });
}

/** One page of a cursor-paged list. */
export interface CursorPage<T> {
  data: T[];
  nextCursor: string | null;
}

/** What Seraphic answered to a risk or compliance push. */
export interface RiskPushAnswer {
  endpointId?: string;
  accepted?: boolean;
  appliedPolicyId?: string | null;
}

/** The only code that knows Seraphic's URLs and its API-key header. */
export class SeraphicClient {
  private readonly http: AxiosInstance;

  constructor(
    ctx: ConnectorContext,
    private readonly settings: ResolvedSeraphicSettings,
  ) {
    if (!ctx.integration.endpoint) throw new ConnectorError('rejected', VENDOR, 'Seraphic needs the tenant URL from its console as the integration endpoint');
    const apiKey = ctx.credentials.api_key;
    if (!apiKey) throw new ConnectorError('auth', VENDOR, 'missing credentials: api_key');
    this.http = createVendorHttp({
      outbound: outboundGuardOf(ctx.outbound, seraphicManifest.hosts),
      vendor: VENDOR,
      baseURL: `${ctx.integration.endpoint.replace(/\/+$/, '')}${settings.apiPrefix}`,
      gate: ctx.gate,
      // The key is static: a 401 means it is wrong or revoked, and there is nothing to refresh.
      auth: { apply: async (config) => void config.headers.set(settings.apiKeyHeader, apiKey) },
      logger: ctx.logger,
      onResponse: ctx.onResponse,
      // The Sentinel connector gives Seraphic 120 s per call.
      timeoutMs: 120_000,
      maxRetryWaitMs: settings.maxRetryWaitSeconds * 1000,
      rateLimitInfo: seraphicRateLimitInfo,
      classifyError: classifySeraphicError,
    });
  }

  /** One page of `/endpoints`, `/users`, `/detections` or `/dlp-violations`. */
  async page<T>(path: string, params: Record<string, string | number>, cursor: string | null, signal?: AbortSignal): Promise<CursorPage<T>> {
    const res = await this.http.get(path, { params: { limit: this.settings.pageLimit, ...params, ...(cursor ? { cursor } : {}) }, signal });
    const body = res.data as { data?: unknown; pagination?: { nextCursor?: string | null; hasMore?: boolean } };
    if (!body || !Array.isArray(body.data)) throw new ConnectorError('invalid_response', VENDOR, `${path} did not answer {data: [...]}`);
    const next = body.pagination?.nextCursor ?? null;
    if (body.pagination?.hasMore && !next) throw new ConnectorError('invalid_response', VENDOR, `${path} says hasMore without a nextCursor`);
    return { data: body.data as T[], nextCursor: body.pagination?.hasMore === false ? null : next };
  }

  /** The Sentinel-style feed for one time window: a JSON array at the root. */
  async eventsFeed(from: Date, to: Date, signal?: AbortSignal): Promise<SentinelRecord[]> {
    if (!this.settings.eventsUrl) throw new ConnectorError('unsupported', VENDOR, 'no eventsUrl configured');
    const res = await this.http.get(this.settings.eventsUrl, { params: { from: feedTime(from), to: feedTime(to) }, signal });
    if (!Array.isArray(res.data)) throw new ConnectorError('invalid_response', VENDOR, 'the events feed did not answer a JSON array');
    return res.data as SentinelRecord[];
  }

  /** Sends a risk or compliance signal for one endpoint. */
  async pushRisk(endpointId: string, body: Record<string, unknown>): Promise<RiskPushAnswer> {
    const res = await this.http.post(`/endpoints/${encodeURIComponent(endpointId)}/risk`, body);
    return (res.data ?? {}) as RiskPushAnswer;
  }
}

/** The feed's time format, `yyyy-MM-ddTHH:mm:ssZ` (no milliseconds). */
export function feedTime(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}
