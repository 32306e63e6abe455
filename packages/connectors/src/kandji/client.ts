import { kandjiManifest } from './manifest';
import type { AxiosInstance, AxiosResponse } from 'axios';
import { ConnectorError, createVendorHttp, outboundGuardOf, type ConnectorContext, type Credentials } from '../core';
import type {
  ActionResponse,
  BehavioralDetectionsPage,
  CursorPage,
  DeviceCommandsResponse,
  DrfPage,
  KandjiBlueprint,
  KandjiCommand,
  KandjiDevice,
  KandjiUser,
  PrismPage,
  PrismPostureRow,
  ThreatDetailsPage,
} from './api-types';
import type { KandjiAction } from './commands';

const VENDOR = 'kandji';
const API = '/api/v1';
// Hosts Kandji itself serves; a `next` URL elsewhere would receive our token.
const KANDJI_HOST_SUFFIXES = ['.kandji.io', '.iru.com'];

/** The body text of a Kandji error: a string, `{detail}`, `{message}`, `{error}` or a list of strings. */
export function kandjiErrorText(data: unknown): string {
  if (typeof data === 'string') return data.trim();
  if (Array.isArray(data)) return data.map(kandjiErrorText).join('; ');
  if (data && typeof data === 'object') {
    const o = data as Record<string, unknown>;
    for (const key of ['detail', 'message', 'error']) if (o[key] !== undefined) return kandjiErrorText(o[key]);
    return JSON.stringify(data);
  }
  return '';
}

/** A 400 carries the reason Kandji refused ("This device is already locked."): keep it in the message. */
function classifyKandjiError(res: AxiosResponse): ConnectorError | undefined {
  if (res.status !== 400) return undefined;
  const request = `${(res.config.method ?? 'get').toUpperCase()} ${(res.config.url ?? '').split('?')[0]}`;
  const text = kandjiErrorText(res.data) || 'bad request';
  return new ConnectorError('rejected', VENDOR, `Kandji refused ${request}: ${text}`, { status: 400, request, vendorCode: text.slice(0, 100) });
}

function invalid(what: string): ConnectorError {
  return new ConnectorError('invalid_response', VENDOR, `Kandji sent an unexpected ${what}`);
}

function hasList(data: unknown, key: string): boolean {
  return typeof data === 'object' && data !== null && Array.isArray((data as Record<string, unknown>)[key]);
}

/** The token: `api_key`, or `access_token` as an alias. Kandji tokens cannot be refreshed. */
export function kandjiToken(credentials: Credentials): string {
  const token = credentials.api_key ?? credentials.access_token;
  if (!token) throw new ConnectorError('auth', VENDOR, 'no Kandji API token is configured');
  return token;
}

/** The only code that knows Kandji's URLs, headers and envelopes; every call returns the raw payload. */
export class KandjiClient {
  private readonly http: AxiosInstance;
  private readonly origin: string;

  constructor(
    readonly baseUrl: string,
    token: string,
    ctx: Pick<ConnectorContext, 'gate' | 'logger' | 'onResponse' | 'outbound'>,
  ) {
    this.origin = new URL(baseUrl).origin;
    this.http = createVendorHttp({
      outbound: outboundGuardOf(ctx.outbound, kandjiManifest.hosts),
      vendor: VENDOR,
      baseURL: baseUrl,
      gate: ctx.gate,
      logger: ctx.logger,
      onResponse: ctx.onResponse,
      // A 401 means revoked or expired: there is no refresh, so no auth.refresh.
      auth: {
        apply: async (config) => {
          config.headers.set('Authorization', `Bearer ${token}`);
        },
      },
      classifyError: classifyKandjiError,
    });
  }

  /** One page of devices (a bare array; past the end Kandji answers `[]`). */
  async listDevices(offset: number, limit: number, signal?: AbortSignal): Promise<KandjiDevice[]> {
    const res = await this.http.get<KandjiDevice[]>(`${API}/devices`, { params: { limit, offset }, signal });
    if (!Array.isArray(res.data)) throw invalid('devices page (expected an array)');
    return res.data;
  }

  /** One page of blueprints. */
  async listBlueprints(offset: number, limit: number, signal?: AbortSignal): Promise<DrfPage<KandjiBlueprint>> {
    return this.envelope<DrfPage<KandjiBlueprint>>(`${API}/blueprints`, { limit, offset }, 'results', signal);
  }

  /** One offset of a Prism category. */
  async listPrism(category: string, offset: number, limit: number, signal?: AbortSignal): Promise<PrismPage<PrismPostureRow>> {
    return this.envelope<PrismPage<PrismPostureRow>>(`${API}/prism/${category}`, { limit, offset }, 'data', signal);
  }

  /** The first page of users, or the page a `next` URL names (followed exactly as given). */
  async listUsers(next: string | null, signal?: AbortSignal): Promise<CursorPage<KandjiUser>> {
    if (next === null) return this.envelope<CursorPage<KandjiUser>>(`${API}/users`, undefined, 'results', signal);
    this.assertOwnUrl(next);
    return this.envelope<CursorPage<KandjiUser>>(next, undefined, 'results', signal);
  }

  /** One page of EDR behavioural detections (limit ≤ 1000). */
  async listBehavioralDetections(offset: number, limit: number, signal?: AbortSignal): Promise<BehavioralDetectionsPage> {
    return this.envelope<BehavioralDetectionsPage>(`${API}/behavioral-detections`, { limit, offset }, 'results', signal);
  }

  /** One page of malware/PUP threat details (limit ≤ 1000). */
  async listThreatDetails(offset: number, limit: number, signal?: AbortSignal): Promise<ThreatDetailsPage> {
    return this.envelope<ThreatDetailsPage>(`${API}/threat-details`, { limit, offset }, 'results', signal);
  }

  /** Sends a device action; Kandji answers an empty body, or `{PIN}` for a Mac lock. */
  async sendAction(deviceId: string, action: KandjiAction): Promise<ActionResponse> {
    const res = await this.http.post<ActionResponse | string>(`${API}/devices/${encodeURIComponent(deviceId)}/action/${action.verb}`, action.body, {
      headers: { 'Content-Type': 'application/json;charset=utf-8' },
    });
    return res.data && typeof res.data === 'object' ? res.data : {};
  }

  /** The device's latest commands, newest Kandji keeps (up to 300). */
  async listCommands(deviceId: string, signal?: AbortSignal): Promise<KandjiCommand[]> {
    const res = await this.http.get<DeviceCommandsResponse>(`${API}/devices/${encodeURIComponent(deviceId)}/commands`, { params: { limit: 300 }, signal });
    if (!hasList(res.data?.commands, 'results')) throw invalid('command list');
    return res.data.commands.results;
  }

  private async envelope<T>(url: string, params: Record<string, number> | undefined, listKey: string, signal?: AbortSignal): Promise<T> {
    const res = await this.http.get<T>(url, { params, signal });
    if (!hasList(res.data, listKey)) throw invalid(`${url.split('?')[0]} payload (no ${listKey} list)`);
    return res.data;
  }

  private assertOwnUrl(next: string): void {
    let url: URL;
    try {
      url = new URL(next);
    } catch {
      throw invalid('next link');
    }
    const kandjiHost = url.protocol === 'https:' && KANDJI_HOST_SUFFIXES.some((s) => url.hostname.endsWith(s));
    if (url.origin !== this.origin && !kandjiHost) throw invalid(`next link to another host (${url.host})`);
  }
}
