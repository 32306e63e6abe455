import { oktaManifest } from './manifest';
import type { AxiosInstance, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { ConnectorError, createVendorHttp, outboundGuardOf, headerValue, type AuthProvider, type ConnectorContext } from '../core';
import { clientAssertion } from './jwt';
import { parseLinkHeader } from './link-header';
import type { OktaErrorBody } from './okta-types';
import { endpointFamily, OktaBuckets, readOktaRateLimit } from './rate-limit';
import type { ResolvedOktaSettings } from './settings';

const VENDOR = 'okta';
// Okta's tokens live a fixed hour; renewing 5 minutes early keeps a long page run off the 401 path.
const TOKEN_RENEW_EARLY_MS = 5 * 60_000;

/** One page of a Link-paged Okta list. */
export interface OktaPage<T> {
  items: T[];
  /** The `rel="next"` URL exactly as Okta sent it, or null at the end of the list. */
  next: string | null;
}

const AUTH_CODES = new Set(['E0000011', 'E0000004', 'E0000015']);
const REJECTED_CODES = new Set(['E0000001', 'E0000003', 'E0000031', 'E0000053']);

/** Maps Okta's error envelope (and the SSF `{err}` and OAuth `{error}` bodies) to one error kind. */
export function classifyOktaError(res: AxiosResponse): ConnectorError | undefined {
  const body = (res.data ?? {}) as OktaErrorBody & { err?: string; error?: string; error_description?: string; description?: string };
  const requestId = headerValue(res.headers, 'x-okta-request-id');
  const suffix = requestId ? ` (request ${requestId})` : '';
  const extra = { status: res.status, vendorCode: body.errorCode ?? body.err ?? body.error };
  const code = body.errorCode;
  if (code === 'E0000047' || res.status === 429) {
    const info = readOktaRateLimit(res);
    const retryAt = new Date(Date.now() + (info.retryAfterMs ?? 60_000));
    return new ConnectorError('rate_limited', VENDOR, `okta rate limit exceeded${info.concurrency ? ' (concurrency)' : ''}${suffix}`, { ...extra, retryAt });
  }
  if (code && AUTH_CODES.has(code)) return new ConnectorError('auth', VENDOR, `okta rejected the credential: ${code}${suffix}`, extra);
  if (code === 'E0000006') return new ConnectorError('forbidden', VENDOR, `okta denied access (missing admin role or scope)${suffix}`, extra);
  if (code === 'E0000007') return new ConnectorError('not_found', VENDOR, `okta resource not found${suffix}`, extra);
  if (code && REJECTED_CODES.has(code)) return new ConnectorError('rejected', VENDOR, `okta rejected the request: ${code}${suffix}`, extra);
  if (code === 'E0000009') return new ConnectorError('transient', VENDOR, `okta timed out${suffix}`, extra);
  if (body.error === 'invalid_client' || body.error === 'invalid_grant' || body.error === 'unauthorized_client') {
    return new ConnectorError('auth', VENDOR, `okta token request refused: ${body.error}`, extra);
  }
  if (body.error === 'invalid_scope') return new ConnectorError('forbidden', VENDOR, 'okta token request refused: invalid_scope', extra);
  if (body.err) return new ConnectorError('rejected', VENDOR, `okta refused the security event: ${body.err}`, extra);
  return undefined;
}

/** The only place that knows Okta's URLs, auth headers, token refresh and paging rules. */
export class OktaClient {
  readonly orgUrl: string;
  private readonly http: AxiosInstance;
  private readonly buckets: OktaBuckets;
  private readonly allowedHosts: Set<string>;
  private readonly tokenKey: string;
  private lastBearer: string | undefined;

  constructor(
    private readonly ctx: ConnectorContext,
    private readonly settings: ResolvedOktaSettings,
  ) {
    const endpoint = ctx.integration.endpoint;
    if (!endpoint) throw new ConnectorError('rejected', VENDOR, 'an Okta integration needs its org URL as endpoint');
    this.orgUrl = endpoint.replace(/\/+$/, '');
    this.tokenKey = `okta:token:${ctx.integration.id}`;
    this.buckets = new OktaBuckets(settings.slowDownBelowRatio);
    this.allowedHosts = new Set([new URL(this.orgUrl).host, ...settings.linkHosts]);
    this.http = createVendorHttp({
      outbound: outboundGuardOf(ctx.outbound, oktaManifest.hosts),
      vendor: VENDOR,
      baseURL: this.orgUrl,
      gate: ctx.gate,
      logger: ctx.logger,
      onResponse: ctx.onResponse,
      headers: { 'Content-Type': 'application/json', 'User-Agent': 'TrustSync/0.1 (okta-connector)' },
      auth: this.authProvider(),
      classifyError: classifyOktaError,
      rateLimitInfo: (res) => {
        const info = readOktaRateLimit(res);
        this.buckets.observe(endpointFamily(res.config.url ?? ''), info);
        // The tenant-wide gate only hears about 429s; exhausted buckets pause their own family.
        return { limit: info.limit, remaining: info.remaining, retryAfterMs: info.retryAfterMs };
      },
    });
    this.http.interceptors.request.use(async (config) => {
      await this.buckets.wait(endpointFamily(config.url ?? ''), config.signal as AbortSignal | undefined);
      return config;
    });
  }

  /** `oauth` when configured so or when only service-app credentials are present. */
  get authMode(): 'api_token' | 'oauth' {
    if (this.settings.authMode) return this.settings.authMode;
    return this.ctx.credentials.api_key ? 'api_token' : 'oauth';
  }

  private authProvider(): AuthProvider {
    return {
      apply: async (config: InternalAxiosRequestConfig) => {
        if (this.authMode === 'api_token') {
          const token = this.ctx.credentials.api_key;
          if (!token) throw new ConnectorError('auth', VENDOR, 'no Okta API token configured');
          config.headers.set('Authorization', `SSWS ${token}`);
          return;
        }
        const bearer = await this.bearer();
        this.lastBearer = bearer;
        config.headers.set('Authorization', `Bearer ${bearer}`);
      },
      // An API token that gets a 401 is dead; only OAuth tokens are renewed and the request replayed once.
      refresh: async () => (this.authMode === 'oauth' ? this.renewBearer(this.lastBearer) : false),
    };
  }

  private async bearer(): Promise<string> {
    const cached = await this.ctx.tokenCache.get(this.tokenKey);
    if (cached) return cached;
    return this.ctx.tokenCache.withLock(this.tokenKey, async () => (await this.ctx.tokenCache.get(this.tokenKey)) ?? this.fetchToken());
  }

  private async renewBearer(rejected: string | undefined): Promise<boolean> {
    await this.ctx.tokenCache.withLock(this.tokenKey, async () => {
      const cached = await this.ctx.tokenCache.get(this.tokenKey);
      // Another worker already replaced the token that failed.
      if (cached && cached !== rejected) return cached;
      await this.ctx.tokenCache.delete(this.tokenKey);
      return this.fetchToken();
    });
    return true;
  }

  private async fetchToken(): Promise<string> {
    const { client_id: clientId, private_key: privateKey } = this.ctx.credentials;
    if (!clientId || !privateKey) throw new ConnectorError('auth', VENDOR, 'OAuth needs client_id and private_key credentials');
    const tokenUrl = `${this.orgUrl}/oauth2/v1/token`;
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      scope: this.settings.scopes,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: clientAssertion(clientId, tokenUrl, privateKey, this.settings.keyId, this.ctx.now().getTime()),
    });
    const res = await this.http.post<{ access_token?: string; expires_in?: number }>(tokenUrl, form.toString(), {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      vendor: { skipAuth: true, retrySafe: true },
    });
    const token = res.data?.access_token;
    if (!token) throw new ConnectorError('invalid_response', VENDOR, 'okta token response had no access_token');
    const ttlMs = Math.max(30_000, (res.data.expires_in ?? 3600) * 1000 - TOKEN_RENEW_EARLY_MS);
    await this.ctx.tokenCache.set(this.tokenKey, token, ttlMs);
    return token;
  }

  private checkNextUrl(next: string): void {
    const host = new URL(next).host;
    // The Authorization header travels with the next URL only to the org's own hosts.
    if (!this.allowedHosts.has(host)) throw new ConnectorError('invalid_response', VENDOR, `okta Link header points at a foreign host ${host}`);
  }

  /** One page of a list: `pathOrNext` is a path with `params`, or a `next` URL requested verbatim. */
  async page<T>(pathOrNext: string, params?: Record<string, string | number>, signal?: AbortSignal): Promise<OktaPage<T>> {
    const absolute = /^https?:\/\//.test(pathOrNext);
    if (absolute) this.checkNextUrl(pathOrNext);
    const res = await this.http.get<unknown>(pathOrNext, { params: absolute ? undefined : params, signal });
    if (!Array.isArray(res.data)) throw new ConnectorError('invalid_response', VENDOR, `okta list ${pathOrNext.split('?')[0]} did not return an array`);
    const links = parseLinkHeader(headerValue(res.headers, 'link'));
    return { items: res.data as T[], next: links.next ?? null };
  }

  /** A single resource (or a short unpaged list). */
  async get<T>(path: string, params?: Record<string, string | number | boolean>, signal?: AbortSignal): Promise<T> {
    const res = await this.http.get<T>(path, { params, signal });
    return res.data;
  }

  /** A lifecycle POST; Okta answers 411 to a body-less POST, so an empty JSON object is sent. */
  async post(path: string, body: unknown = {}): Promise<number> {
    const res = await this.http.post(path, body);
    return res.status;
  }

  async delete(path: string, params?: Record<string, string | boolean>): Promise<number> {
    const res = await this.http.delete(path, { params });
    return res.status;
  }

  /** Sends a signed Security Event Token; it is authenticated by its signature, never by the API token. */
  async postSecurityEvent(jwt: string): Promise<number> {
    const res = await this.http.post(`${this.orgUrl}/security/api/v1/security-events`, jwt, {
      headers: { 'Content-Type': 'application/secevent+jwt', Accept: 'application/json' },
      vendor: { skipAuth: true },
    });
    return res.status;
  }
}
