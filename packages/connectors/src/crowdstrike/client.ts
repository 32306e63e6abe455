import { crowdstrikeManifest } from './manifest';
import type { AxiosInstance, AxiosResponse, Method } from 'axios';
import { ConnectorError, createVendorHttp, outboundGuardOf, headerValue, parseRetryAfter, type ConnectorContext } from '../core';
import type { FalconEnvelope } from './falcon-types';
import { FALCON_CLOUDS, type ResolvedCrowdStrikeSettings } from './settings';

const VENDOR = 'crowdstrike';
const MAX_REDIRECTS = 3;

/** Repeats array keys (`ids=a&ids=b`), the collection format Falcon expects, never `ids[]=`. */
export function falconParams(params: Record<string, unknown>): string {
  const out = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null) continue;
    for (const item of Array.isArray(v) ? v : [v]) out.append(k, String(item));
  }
  return out.toString();
}

function firstError(res: Pick<AxiosResponse, 'data'>): string {
  const body = res.data as FalconEnvelope<unknown> | undefined;
  return body?.errors?.[0]?.message ?? '';
}

/** Falcon's `X-RateLimit-*` headers; `RetryAfter` is an epoch (seconds, or milliseconds by its size), only on 429. */
export function readFalconRateLimit(res: Pick<AxiosResponse, 'headers'>, now = Date.now()): { limit?: number; remaining?: number; retryAfterMs?: number } {
  const num = (name: string) => {
    const v = Number(headerValue(res.headers, name));
    return Number.isFinite(v) && headerValue(res.headers, name) !== undefined ? v : undefined;
  };
  return { limit: num('x-ratelimit-limit'), remaining: num('x-ratelimit-remaining'), retryAfterMs: parseRetryAfter(headerValue(res.headers, 'x-ratelimit-retryafter'), now) };
}

/** Maps Falcon's error envelope to one error kind; `expiredPattern` recognises an expired scroll or `after` cursor. */
export function classifyFalconError(res: AxiosResponse, expiredPattern = /expired|no longer valid|search context/i): ConnectorError | undefined {
  const message = firstError(res);
  const trace = headerValue(res.headers, 'x-cs-traceid');
  const extra = { status: res.status, vendorCode: message || undefined };
  const suffix = trace ? ` (trace ${trace})` : '';
  if (res.status === 429) {
    const wait = readFalconRateLimit(res).retryAfterMs ?? 2000;
    return new ConnectorError('rate_limited', VENDOR, `falcon rate limit exceeded${suffix}`, { ...extra, retryAt: new Date(Date.now() + Math.max(1000, wait)) });
  }
  if (res.status === 401 || /invalid bearer token|failed to issue access token/i.test(message)) return new ConnectorError('auth', VENDOR, `falcon refused the credentials: ${message}${suffix}`, extra);
  if (res.status === 403) return new ConnectorError('forbidden', VENDOR, `falcon denied access (scope or IP allow-list): ${message}${suffix}`, extra);
  if ((res.status === 400 || res.status === 404) && expiredPattern.test(message)) {
    return new ConnectorError('transient', VENDOR, `falcon cursor expired: ${message}${suffix}`, { ...extra, vendorCode: 'cursor_expired' });
  }
  return undefined;
}

/** True for the error a stream answers by restarting its pagination. */
export function isCursorExpired(err: unknown): boolean {
  return err instanceof ConnectorError && err.extra.vendorCode === 'cursor_expired';
}

/** The only place that knows Falcon's clouds, token endpoint, redirects and envelope. */
export class FalconClient {
  private readonly http: AxiosInstance;
  private readonly tokenKey: string;
  private readonly baseKey: string;
  private readonly expired: RegExp;
  private base: string;
  private lastBearer: string | undefined;

  constructor(
    private readonly ctx: ConnectorContext,
    private readonly settings: ResolvedCrowdStrikeSettings,
  ) {
    this.base = (ctx.integration.endpoint ?? FALCON_CLOUDS[settings.cloud]).replace(/\/+$/, '');
    this.tokenKey = `crowdstrike:token:${ctx.integration.id}`;
    this.baseKey = `crowdstrike:base:${ctx.integration.id}`;
    this.expired = new RegExp(settings.scrollExpiredPattern, 'i');
    this.http = createVendorHttp({
      outbound: outboundGuardOf(ctx.outbound, crowdstrikeManifest.hosts),
      vendor: VENDOR,
      baseURL: this.base,
      gate: ctx.gate,
      logger: ctx.logger,
      onResponse: ctx.onResponse,
      // follow-redirects drops Authorization on a cross-host redirect, so 307/308 are handled here.
      maxRedirects: 0,
      paramsSerializer: { serialize: falconParams },
      auth: {
        apply: async (config) => {
          const bearer = await this.bearer();
          this.lastBearer = bearer;
          config.headers.set('Authorization', `Bearer ${bearer}`);
        },
        refresh: () => this.renewBearer(this.lastBearer),
      },
      rateLimitInfo: (res) => readFalconRateLimit(res),
      classifyError: (res) => classifyFalconError(res, this.expired),
    });
  }

  /** The API base in use (after region discovery or a redirect). */
  get baseUrl(): string {
    return this.base;
  }

  private async currentBase(): Promise<string> {
    const saved = await this.ctx.tokenCache.get(this.baseKey);
    if (saved) this.base = saved;
    return this.base;
  }

  private async moveBase(base: string): Promise<void> {
    if (base === this.base) return;
    this.ctx.logger.info('falcon tenant lives on another cloud; switching base URL', { vendor: VENDOR, base });
    this.base = base;
    await this.ctx.tokenCache.set(this.baseKey, base, 24 * 3_600_000);
  }

  private async bearer(): Promise<string> {
    const cached = await this.ctx.tokenCache.get(this.tokenKey);
    if (cached) return cached;
    return this.ctx.tokenCache.withLock(this.tokenKey, async () => (await this.ctx.tokenCache.get(this.tokenKey)) ?? this.fetchToken());
  }

  private async renewBearer(rejected: string | undefined): Promise<boolean> {
    await this.ctx.tokenCache.withLock(this.tokenKey, async () => {
      const cached = await this.ctx.tokenCache.get(this.tokenKey);
      if (cached && cached !== rejected) return cached;
      return this.fetchToken();
    });
    return true;
  }

  private async fetchToken(): Promise<string> {
    const { client_id: clientId, client_secret: clientSecret } = this.ctx.credentials;
    if (!clientId || !clientSecret) throw new ConnectorError('auth', VENDOR, 'falcon needs client_id and client_secret credentials');
    const form = new URLSearchParams({ client_id: clientId, client_secret: clientSecret });
    if (this.settings.memberCid) form.set('member_cid', this.settings.memberCid);
    const res = await this.http.post<{ access_token?: string; expires_in?: number }>(`${await this.currentBase()}/oauth2/token`, form.toString(), {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      vendor: { skipAuth: true, retrySafe: true },
    });
    const token = res.data?.access_token;
    if (res.status !== 201 && res.status !== 200) throw new ConnectorError('invalid_response', VENDOR, `falcon token endpoint answered ${res.status}`);
    if (!token) throw new ConnectorError('invalid_response', VENDOR, 'falcon token response had no access_token');
    const region = headerValue(res.headers, 'x-cs-region')?.toLowerCase();
    if (region && this.settings.autodiscoverRegion && !this.ctx.integration.endpoint && region in FALCON_CLOUDS && !region.startsWith('us-gov')) {
      await this.moveBase(FALCON_CLOUDS[region as keyof typeof FALCON_CLOUDS]);
    }
    const ttlMs = Math.max(30_000, ((res.data.expires_in ?? 1799) - this.settings.renewWindowSeconds) * 1000);
    await this.ctx.tokenCache.set(this.tokenKey, token, ttlMs);
    return token;
  }

  /**
   * One API call. A 307/308 is re-sent with the same method, body and token to `Location`, and
   * the new base is kept for the tenant, so only the first call pays the doubled rate cost.
   */
  async call<T>(method: Method, path: string, opts: { params?: Record<string, unknown>; data?: unknown; signal?: AbortSignal } = {}): Promise<FalconEnvelope<T> & { status: number }> {
    // The token response may move the tenant to its own cloud, so it is in hand before the URL is built.
    await this.bearer();
    let url = `${await this.currentBase()}${path}`;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const res = await this.http.request<FalconEnvelope<T>>({
        method,
        url,
        params: opts.params,
        data: opts.data,
        signal: opts.signal,
        vendor: { retrySafe: method === 'GET' || path.includes('/combined/') || path.includes('/entities/alerts/') },
        validateStatus: (s) => (s >= 200 && s < 300) || s === 307 || s === 308,
      });
      if (res.status === 307 || res.status === 308) {
        const location = headerValue(res.headers, 'location');
        if (!location) throw new ConnectorError('invalid_response', VENDOR, `falcon redirected ${path} without a Location`);
        const target = new URL(location, url);
        const suffix = target.pathname.lastIndexOf(path.split('?')[0]);
        if (suffix >= 0) await this.moveBase(`${target.origin}${target.pathname.slice(0, suffix)}`);
        // The query string is serialised again from params, so only the path of Location is kept.
        url = `${target.origin}${target.pathname}`;
        continue;
      }
      const body = res.data ?? {};
      // Expired `after` cursors can come back inside an HTTP 200.
      const expired = body.errors?.find((e) => e.message && this.expired.test(e.message));
      if (expired) throw new ConnectorError('transient', VENDOR, `falcon cursor expired: ${expired.message}`, { status: res.status, vendorCode: 'cursor_expired' });
      return { ...body, status: res.status };
    }
    throw new ConnectorError('invalid_response', VENDOR, `falcon redirected ${path} more than ${MAX_REDIRECTS} times`);
  }
}
