import { manifest as zscalerManifest } from './manifest';
import type { AxiosInstance, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import {
  ConnectorError,
  createVendorHttp,
  outboundGuardOf,
  headerValue,
  isConnectorError,
  parseRetryAfter,
  sleep,
  type AuthProvider,
  type ConnectorContext,
  type RateLimitInfo,
  type TokenCache,
} from '../core';
import type { ZccDevice, ZccDeviceDetails, ZiaFirewallFilteringRule, ZiaNamedObject, ZiaUrlFilteringRule, ZiaUser } from './mappers';
import { obfuscateApiKey } from './obfuscation';
import type { ResolvedZscalerSettings, ZscalerProduct } from './settings';

const VENDOR = 'zscaler';
const ONEAPI_AUDIENCE = 'https://api.zscaler.com';
/** Tokens are renewed this long before the vendor says they expire. */
const TOKEN_EARLY_MS = 60_000;
const SESSION_INVALID = /SESSION_NOT_VALID|Session already invalidated|getAttribute|Resource Access Blocked/i;

/** Where each product answers, for one integration. */
export interface ZscalerEndpoints {
  ziaRoot: string;
  zpaRoot: string | null;
  zccRoot: string;
  /** Legacy login URLs, or the one OneAPI token URL. */
  ziaLogin: string;
  zpaSignin: string | null;
  zccLogin: string;
  tokenUrl: string | null;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** Works out the product base URLs from the integration endpoint, the cloud and the overrides. */
export function zscalerEndpoints(endpoint: string | null, s: ResolvedZscalerSettings): ZscalerEndpoints {
  const customerPath = s.zpaCustomerId ? `/mgmtconfig/v1/admin/customers/${encodeURIComponent(s.zpaCustomerId)}` : null;
  if (s.authGeneration === 'oneapi') {
    const api = trimSlash(endpoint ?? 'https://api.zsapi.net');
    const tokenUrl = s.tokenUrl ?? (s.vanityDomain ? `https://${s.vanityDomain}.zslogin.net/oauth2/v1/token` : null);
    return {
      ziaRoot: `${api}/zia/api/v1`,
      zpaRoot: customerPath ? `${api}/zpa${customerPath}` : null,
      zccRoot: `${api}/zcc/papi/public/v1`,
      ziaLogin: '',
      zpaSignin: null,
      zccLogin: '',
      tokenUrl,
    };
  }
  const ziaHost = trimSlash(endpoint ?? (s.cloud === 'zspreview' ? 'https://admin.zspreview.net' : `https://zsapi.${s.cloud}.net`)).replace(/\/api\/v1$/, '');
  const zpaHost = trimSlash(s.zpaBaseUrl ?? 'https://config.private.zscaler.com');
  const zccHost = trimSlash(s.zccBaseUrl ?? (s.cloud === 'zscalerten' ? 'https://mobile6.zscalerten.net' : `https://api-mobile.${s.cloud}.net`));
  return {
    ziaRoot: `${ziaHost}/api/v1`,
    zpaRoot: customerPath ? `${zpaHost}${customerPath}` : null,
    zccRoot: `${zccHost}/papi/public/v1`,
    ziaLogin: `${ziaHost}/api/v1/authenticatedSession`,
    zpaSignin: `${zpaHost}/signin`,
    zccLogin: `${zccHost}/papi/auth/v1/login`,
    tokenUrl: null,
  };
}

function firstInt(value: string | undefined): number | undefined {
  const m = value ? /\d+/.exec(value) : null;
  return m ? Number(m[0]) : undefined;
}

function asRecord(data: unknown): Record<string, unknown> {
  return data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
}

/**
 * Zscaler's rate-limit signals: `Retry-After` as "0 seconds" (legacy ZIA), "1" (OneAPI) or "13s"
 * (ZPA), the ZIA body's own "Retry-After", and OneAPI's `x-ratelimit-*`. A reset later than the
 * stated wait wins; a zero wait never goes below a second.
 */
export function zscalerRateLimitInfo(res: AxiosResponse): RateLimitInfo & { retryAfterMs?: number } {
  const h = res.headers;
  const limit = firstInt(headerValue(h, 'x-ratelimit-limit'));
  const remaining = firstInt(headerValue(h, 'x-ratelimit-remaining') ?? headerValue(h, 'x-rate-limit-remaining'));
  const resetSeconds = firstInt(headerValue(h, 'x-ratelimit-reset') ?? headerValue(h, 'x-rate-limit-retry-after-seconds'));
  const resetAt = resetSeconds !== undefined ? new Date(Date.now() + resetSeconds * 1000) : undefined;
  if (res.status !== 429) return { limit, remaining, resetAt };
  const bodyWait = asRecord(res.data)['Retry-After'];
  const stated = parseRetryAfter(headerValue(h, 'retry-after')) ?? parseRetryAfter(typeof bodyWait === 'string' ? bodyWait : undefined) ?? 1000;
  return { limit, remaining, resetAt, retryAfterMs: Math.max(stated, (resetSeconds ?? 0) * 1000) };
}

/** Maps Zscaler's error bodies (ZIA codes, ZPA ids, the OneAPI gateway, ZCC errorMsg) to one error kind. */
export function classifyZscalerError(res: AxiosResponse): ConnectorError | undefined {
  if (res.status === 429) return undefined;
  const body = asRecord(res.data);
  const code = [body.code, body.id, body.exception].find((v): v is string => typeof v === 'string');
  const request = `${(res.config?.method ?? 'get').toUpperCase()} ${(res.config?.url ?? '').split('?')[0]}`;
  const make = (kind: ConnectorError['kind'], message: string): ConnectorError => new ConnectorError(kind, VENDOR, message, { status: res.status, vendorCode: code, request });
  const text = `${code ?? ''} ${typeof body.message === 'string' ? body.message : ''}`;
  if (code === 'AUTHENTICATION_FAILED') return make('auth', 'ZIA rejected the login: check the API key, admin user, cloud and that the timestamp is in milliseconds');
  if (res.status === 401 && SESSION_INVALID.test(text)) return make('auth', 'the ZIA session is not valid and a new login did not help');
  if (code === 'EDIT_LOCK_NOT_AVAILABLE') return make('transient', 'another ZIA admin session holds the edit lock');
  if (body.detail === 'unauthorized') return make('auth', 'the OneAPI gateway rejected the access token');
  if (typeof body.errorMsg === 'string' && res.status >= 400 && res.status < 500 && res.status !== 401 && res.status !== 403) return make('rejected', `Client Connector refused: ${body.errorMsg}`);
  return undefined;
}

interface Obtained {
  value: string;
  ttlMs: number;
}

/**
 * A session cookie or bearer token shared through the token cache, so every process of one
 * integration uses the same login; one process at a time renews it. With `slidingTtlMs` each use
 * extends its life, like ZIA's idle timeout, so an idle session is replaced before ZIA drops it.
 */
class SharedCredential {
  private last: string | undefined;

  constructor(
    private readonly cache: TokenCache,
    private readonly key: string,
    private readonly obtain: () => Promise<Obtained>,
    private readonly slidingTtlMs?: number,
  ) {}

  async current(): Promise<string> {
    const cached = await this.cache.get(this.key);
    if (cached) {
      if (this.slidingTtlMs) await this.cache.set(this.key, cached, this.slidingTtlMs);
      return (this.last = cached);
    }
    return this.cache.withLock(this.key, async () => (await this.cache.get(this.key)) ?? this.store());
  }

  /** Called after a 401: reuses a credential another process renewed meanwhile, else logs in again. */
  async renew(): Promise<boolean> {
    const failed = this.last;
    return this.cache.withLock(this.key, async () => {
      const cached = await this.cache.get(this.key);
      if (cached && cached !== failed) this.last = cached;
      else await this.store();
      return true;
    });
  }

  private async store(): Promise<string> {
    const { value, ttlMs } = await this.obtain();
    await this.cache.set(this.key, value, Math.max(1000, ttlMs));
    return (this.last = value);
  }
}

function authWith(cred: SharedCredential, apply: (config: InternalAxiosRequestConfig, value: string) => void): AuthProvider {
  return {
    apply: async (config) => apply(config, await cred.current()),
    refresh: () => cred.renew(),
  };
}

/** Seconds left in a JWT's `exp` claim, or undefined when it has none. */
function jwtTtlMs(jwt: string, nowMs: number): number | undefined {
  try {
    const claims = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: number };
    return typeof claims.exp === 'number' ? claims.exp * 1000 - nowMs : undefined;
  } catch {
    return undefined;
  }
}

function sessionCookie(setCookie: unknown): string | undefined {
  const lines = Array.isArray(setCookie) ? setCookie : [setCookie];
  for (const line of lines) {
    const m = typeof line === 'string' ? /JSESSIONID=([^;]+)/.exec(line) : null;
    if (m) return m[1];
  }
  return undefined;
}

/** Outcome of an activation: `settled` is false when ZIA still reported pending at the deadline. */
export interface ActivationOutcome {
  status: string;
  settled: boolean;
  polls: number;
}

/** Result of a Client Connector removal. */
export interface ZccRemoval {
  devicesRemoved: number;
  errorMsg?: string;
}

/**
 * The only code that knows Zscaler's hosts, logins and headers: one axios client per product,
 * all behind the integration's rate gate, with logins cached per integration.
 */
export class ZscalerClient {
  readonly products: ReadonlySet<ZscalerProduct>;
  readonly endpoints: ZscalerEndpoints;
  private readonly http: Partial<Record<ZscalerProduct, AxiosInstance>> = {};

  constructor(
    private readonly ctx: ConnectorContext,
    readonly settings: ResolvedZscalerSettings,
  ) {
    this.endpoints = zscalerEndpoints(ctx.integration.endpoint, settings);
    this.products = new Set(settings.products ?? this.defaultProducts());
    const oneApi = settings.authGeneration === 'oneapi' ? this.oneApiCredential() : undefined;
    const bearer = (config: InternalAxiosRequestConfig, token: string): void => void config.headers.set('Authorization', `Bearer ${token}`);
    for (const product of this.products) {
      const root = product === 'zia' ? this.endpoints.ziaRoot : product === 'zpa' ? this.endpoints.zpaRoot : this.endpoints.zccRoot;
      if (!root) throw new ConnectorError('rejected', VENDOR, 'ZPA needs settings.zpaCustomerId');
      let auth: AuthProvider;
      if (oneApi) auth = authWith(oneApi, bearer);
      else if (product === 'zia') auth = authWith(this.ziaSession(), (config, id) => void config.headers.set('Cookie', `JSESSIONID=${id}`));
      else if (product === 'zpa') auth = authWith(this.zpaToken(), bearer);
      else auth = authWith(this.zccToken(), (config, jwt) => void config.headers.set('auth-token', jwt));
      this.http[product] = createVendorHttp({
      outbound: outboundGuardOf(ctx.outbound, zscalerManifest.hosts),
        vendor: VENDOR,
        baseURL: root,
        gate: ctx.gate,
        auth,
        logger: ctx.logger,
        onResponse: ctx.onResponse,
        maxRetryWaitMs: settings.maxRetryWaitSeconds * 1000,
        rateLimitInfo: zscalerRateLimitInfo,
        classifyError: classifyZscalerError,
      });
    }
  }

  private defaultProducts(): ZscalerProduct[] {
    const c = this.ctx.credentials;
    const hasZpa = Boolean(this.settings.zpaCustomerId);
    if (this.settings.authGeneration === 'oneapi') return hasZpa ? ['zia', 'zpa', 'zcc'] : ['zia', 'zcc'];
    const out: ZscalerProduct[] = [];
    if (c.api_key) out.push('zia');
    if (hasZpa && c.zpa_client_id) out.push('zpa');
    if (c.zcc_api_key) out.push('zcc');
    return out;
  }

  private cacheKey(what: string): string {
    return `zscaler:${this.ctx.integration.id}:${what}`;
  }

  private need(...fields: string[]): string[] {
    const missing = fields.filter((f) => !this.ctx.credentials[f]);
    if (missing.length) throw new ConnectorError('auth', VENDOR, `missing credentials: ${missing.join(', ')}`);
    return fields.map((f) => this.ctx.credentials[f] as string);
  }

  private api(product: ZscalerProduct): AxiosInstance {
    const http = this.http[product];
    if (!http) throw new ConnectorError('unsupported', VENDOR, `${product.toUpperCase()} is not configured for this integration`);
    return http;
  }

  private ziaSession(): SharedCredential {
    const idleMs = this.settings.ziaSessionIdleSeconds * 1000;
    return new SharedCredential(
      this.ctx.tokenCache,
      this.cacheKey('zia-session'),
      async () => {
        const c = this.ctx.credentials;
        const [apiKey] = this.need('api_key');
        const username = c.username ?? c.client_id;
        const password = c.password ?? c.client_secret;
        if (!username || !password) throw new ConnectorError('auth', VENDOR, 'missing credentials: username (client_id) and password (client_secret)');
        // One clock reading feeds both the obfuscation and the body: two readings fail the login.
        const timestamp = this.ctx.now().getTime();
        const res = await this.api('zia').post(this.endpoints.ziaLogin, { apiKey: obfuscateApiKey(apiKey, timestamp), username, password, timestamp }, { vendor: { skipAuth: true, retrySafe: true } });
        const id = sessionCookie(res.headers['set-cookie']);
        if (!id) throw new ConnectorError('invalid_response', VENDOR, 'ZIA login answered without a JSESSIONID cookie');
        return { value: id, ttlMs: idleMs };
      },
      idleMs,
    );
  }

  private zpaToken(): SharedCredential {
    return new SharedCredential(this.ctx.tokenCache, this.cacheKey('zpa-token'), async () => {
      const [clientId, clientSecret] = this.need('zpa_client_id', 'zpa_client_secret');
      const form = new URLSearchParams({ client_id: clientId, client_secret: clientSecret });
      const res = await this.api('zpa').post(this.endpoints.zpaSignin!, form, { vendor: { skipAuth: true, retrySafe: true } });
      return this.tokenFrom(res.data);
    });
  }

  private zccToken(): SharedCredential {
    return new SharedCredential(this.ctx.tokenCache, this.cacheKey('zcc-token'), async () => {
      const [apiKey, secretKey] = this.need('zcc_api_key', 'zcc_secret_key');
      const res = await this.api('zcc').post(this.endpoints.zccLogin, { apiKey, secretKey }, { vendor: { skipAuth: true, retrySafe: true } });
      const jwt = asRecord(res.data).jwtToken;
      if (typeof jwt !== 'string' || !jwt) throw new ConnectorError('invalid_response', VENDOR, 'Client Connector login answered without jwtToken');
      const ttl = jwtTtlMs(jwt, this.ctx.now().getTime()) ?? 3_600_000;
      return { value: jwt, ttlMs: ttl - TOKEN_EARLY_MS };
    });
  }

  private oneApiCredential(): SharedCredential {
    return new SharedCredential(this.ctx.tokenCache, this.cacheKey('oneapi-token'), async () => {
      const [clientId, clientSecret] = this.need('client_id', 'client_secret');
      if (!this.endpoints.tokenUrl) throw new ConnectorError('rejected', VENDOR, 'OneAPI needs settings.vanityDomain or settings.tokenUrl');
      const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, audience: ONEAPI_AUDIENCE });
      const http = this.http.zia ?? this.http.zpa ?? this.http.zcc;
      if (!http) throw new ConnectorError('unsupported', VENDOR, 'no Zscaler product is configured');
      const res = await http.post(this.endpoints.tokenUrl, form, { vendor: { skipAuth: true, retrySafe: true } });
      return this.tokenFrom(res.data);
    });
  }

  /** `expires_in` is a string from ZPA's signin and a number from ZIdentity: use what came. */
  private tokenFrom(data: unknown): Obtained {
    const body = asRecord(data);
    if (typeof body.access_token !== 'string' || !body.access_token) throw new ConnectorError('invalid_response', VENDOR, 'token response without access_token');
    const expiresSeconds = Number(body.expires_in ?? 3600);
    return { value: body.access_token, ttlMs: (Number.isFinite(expiresSeconds) ? expiresSeconds * 1000 : 3_600_000) - TOKEN_EARLY_MS };
  }

  /** One page of a bare-array ZIA list (`/users`, `/groups`, `/departments`). */
  async ziaPage<T>(path: '/users' | '/groups' | '/departments', page: number, pageSize: number, search?: string, signal?: AbortSignal): Promise<T[]> {
    const res = await this.api('zia').get(path, { params: { page, pageSize, ...(search ? { search } : {}) }, signal });
    return this.array<T>(res.data, path);
  }

  /** Every URL filtering rule (ZIA does not paginate them). */
  async urlFilteringRules(signal?: AbortSignal): Promise<ZiaUrlFilteringRule[]> {
    const res = await this.api('zia').get('/urlFilteringRules', { signal });
    return this.array<ZiaUrlFilteringRule>(res.data, '/urlFilteringRules');
  }

  /** One page of cloud firewall filtering rules: a bare array, paged like the other ZIA lists (as the vendor SDK reads it). */
  async firewallFilteringRules(page: number, pageSize: number, signal?: AbortSignal): Promise<ZiaFirewallFilteringRule[]> {
    const res = await this.api('zia').get('/firewallFilteringRules', { params: { page, pageSize }, signal });
    return this.array<ZiaFirewallFilteringRule>(res.data, '/firewallFilteringRules');
  }

  /** One ZPA page; `totalPages` arrives as a string or a number and a missing `list` is empty. */
  async zpaPage<T>(path: string, page: number, pageSize: number, signal?: AbortSignal): Promise<{ list: T[]; totalPages: number }> {
    const res = await this.api('zpa').get(path, { params: { page, pagesize: pageSize }, signal });
    const body = asRecord(res.data);
    const list = body.list === undefined || body.list === null ? [] : this.array<T>(body.list, path);
    const totalPages = Number(body.totalPages ?? 0);
    if (!Number.isFinite(totalPages)) throw new ConnectorError('invalid_response', VENDOR, `ZPA ${path} sent totalPages ${String(body.totalPages)}`);
    return { list, totalPages };
  }

  /** One page of Client Connector devices (a bare array). */
  async zccDevices(page: number, pageSize: number, signal?: AbortSignal): Promise<ZccDevice[]> {
    const res = await this.api('zcc').get('/getDevices', { params: { page, pageSize }, signal });
    return this.array<ZccDevice>(res.data, '/getDevices');
  }

  /** A device's details (serial, trust, health), or null when ZCC no longer knows it. */
  async zccDeviceDetails(udid: string, signal?: AbortSignal): Promise<ZccDeviceDetails | null> {
    try {
      const res = await this.api('zcc').get('/getDeviceDetails', { params: { udid }, signal });
      const d = asRecord(res.data);
      // Only the fields TrustSync uses leave this method: the OTP array is a secret.
      return {
        serialNumber: typeof d.serialNumber === 'string' ? d.serialNumber : null,
        deviceTrust: typeof d.deviceTrust === 'number' ? d.deviceTrust : null,
        ziaHealth: typeof d.ziaHealth === 'string' ? d.ziaHealth : null,
        zpaHealth: typeof d.zpaHealth === 'string' ? d.zpaHealth : null,
        external_model: typeof d.external_model === 'string' ? d.external_model : null,
      };
    } catch (err) {
      if (isConnectorError(err, 'not_found')) return null;
      throw err;
    }
  }

  /** The ZIA user with exactly this email, or null. */
  async findUserByEmail(email: string): Promise<ZiaUser | null> {
    const users = await this.ziaPage<ZiaUser>('/users', 1, 100, email);
    return users.find((u) => (u.email ?? '').toLowerCase() === email.toLowerCase()) ?? null;
  }

  /** The ZIA group with exactly this name, or null. */
  async findGroup(name: string): Promise<ZiaNamedObject | null> {
    const groups = await this.ziaPage<ZiaNamedObject>('/groups', 1, 100, name);
    return groups.find((g) => g.name === name) ?? null;
  }

  /** Stages a full user object (ZIA's PUT replaces it); it takes effect after activation. */
  async putUser(user: ZiaUser): Promise<ZiaUser> {
    const res = await this.withEditLock(() => this.api('zia').put(`/users/${user.id}`, user));
    return res.data as ZiaUser;
  }

  /** Activates staged ZIA changes and polls `/status` until ACTIVE or the configured timeout. */
  async activate(): Promise<ActivationOutcome> {
    const zia = this.api('zia');
    const first = await this.withEditLock(() => zia.post('/status/activate', {}));
    let status = String(asRecord(first.data).status ?? 'UNKNOWN');
    let polls = 0;
    let waitMs = this.settings.activationPollMs;
    const deadline = Date.now() + this.settings.activationTimeoutSeconds * 1000;
    while (status !== 'ACTIVE' && Date.now() + waitMs <= deadline) {
      await sleep(waitMs);
      waitMs = Math.min(waitMs * 2, 10_000);
      polls++;
      status = String(asRecord((await zia.get('/status')).data).status ?? 'UNKNOWN');
    }
    return { status, settled: status === 'ACTIVE', polls };
  }

  /** Runs a batch of ZIA writes holding the tenant's write lock: one writer per tenant at a time. */
  withWriteLock<T>(fn: () => Promise<T>): Promise<T> {
    return this.ctx.tokenCache.withLock(this.cacheKey('zia-write'), fn);
  }

  /** De-registers a device from Client Connector; the forced variant spells the user key `userName`. */
  async zccRemove(force: boolean, udid: string, username: string, osType: number): Promise<ZccRemoval> {
    const body = force ? { udids: [udid], userName: username, osType: String(osType) } : { udids: [udid], username, osType: String(osType) };
    const res = await this.api('zcc').post(force ? '/forceRemoveDevices' : '/removeDevices', body);
    const data = asRecord(res.data);
    return { devicesRemoved: Number(data.devicesRemoved ?? 0), errorMsg: typeof data.errorMsg === 'string' ? data.errorMsg : undefined };
  }

  /** Device details as the push needs them: the user and OS type of a udid. */
  async zccDeviceOwner(udid: string): Promise<{ user: string; type: number } | null> {
    const res = await this.api('zcc').get('/getDeviceDetails', { params: { udid } });
    const d = asRecord(res.data);
    const user = typeof d.user_name === 'string' ? d.user_name : null;
    return user ? { user, type: Number(d.type ?? 0) } : null;
  }

  private async withEditLock<T>(fn: () => Promise<T>): Promise<T> {
    const waits = this.settings.editLockBackoffMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        const locked = err instanceof ConnectorError && err.extra.vendorCode === 'EDIT_LOCK_NOT_AVAILABLE';
        if (!locked || attempt >= waits.length) throw err;
        this.ctx.logger.info('ZIA edit lock held by another session; backing off', { vendor: VENDOR, attempt: attempt + 1, waitMs: waits[attempt] });
        await sleep(Math.min(waits[attempt], 60_000));
      }
    }
  }

  private array<T>(data: unknown, path: string): T[] {
    if (!Array.isArray(data)) throw new ConnectorError('invalid_response', VENDOR, `${path} did not answer with a list`);
    return data as T[];
  }
}
