import axios, { AxiosError, type AxiosInstance } from 'axios';
import type { CommandView, ComplianceStatus, DeviceView, PageOf, PushOutcome, RiskScore, SyncView } from './api-types';

/** How to reach the TrustSync API. */
export interface SyncManagerOptions {
  baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  timeoutMs?: number;
}

/** Options of a push call: `wait` asks the API to wait (bounded) for the vendors' answers. */
export interface PushOptions {
  wait?: boolean;
  waitMs?: number;
}

/** A failed API call, with the API's error code and status (never the request headers). */
export class TrustSyncApiError extends Error {
  constructor(
    readonly status: number | null,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'TrustSyncApiError';
  }
}

function toApiError(err: unknown): TrustSyncApiError {
  if (err instanceof AxiosError) {
    const body = err.response?.data as { error?: { code?: string; message?: string } } | undefined;
    return new TrustSyncApiError(err.response?.status ?? null, body?.error?.code ?? err.code ?? 'network_error', body?.error?.message ?? err.message);
  }
  return new TrustSyncApiError(null, 'unknown', err instanceof Error ? err.message : String(err));
}

/**
 * A typed client of the TrustSync REST API for the platform's own services, named after the
 * original design's SyncManager: push compliance and risk, trigger and read syncs, list devices,
 * run commands and contain hosts.
 */
export class SyncManager {
  private readonly http: AxiosInstance;

  constructor(opts: SyncManagerOptions) {
    this.http = axios.create({
      baseURL: `${opts.baseUrl.replace(/\/$/, '')}/api/v1`,
      timeout: opts.timeoutMs ?? 40_000,
      headers: { Accept: 'application/json', ...(opts.apiKey ? { Authorization: `Bearer ${opts.apiKey}` } : {}) },
    });
  }

  private async send<T>(method: 'get' | 'post', path: string, body?: unknown, params?: Record<string, string | number | boolean | undefined>): Promise<T> {
    try {
      const res = await this.http.request<T>({ method, url: path, data: body, params });
      return res.data;
    } catch (err) {
      throw toApiError(err);
    }
  }

  private waitParams(opts: PushOptions): Record<string, string | number | undefined> {
    return opts.wait ? { wait: 'true', wait_ms: opts.waitMs } : {};
  }

  /** Pushes a device's compliance to every integration that takes it. */
  pushComplianceStatus(deviceId: string, status: ComplianceStatus, opts: PushOptions = {}): Promise<PushOutcome> {
    return this.send('post', `/devices/${encodeURIComponent(deviceId)}/compliance`, status, this.waitParams(opts));
  }

  /** Pushes a device's risk score to every integration that takes it. */
  pushRiskScore(deviceId: string, score: RiskScore, opts: PushOptions = {}): Promise<PushOutcome> {
    return this.send('post', `/devices/${encodeURIComponent(deviceId)}/risk-score`, score, this.waitParams(opts));
  }

  /** Starts (or joins) a sync of one integration; answers with the sync id. */
  syncIntegration(integrationId: string, syncType = 'full'): Promise<{ sync_id: string; status: string; coalesced: boolean }> {
    return this.send('post', `/integrations/${encodeURIComponent(integrationId)}/sync`, undefined, { sync_type: syncType });
  }

  /** Reads one sync. */
  getSync(syncId: string): Promise<SyncView> {
    return this.send('get', `/syncs/${encodeURIComponent(syncId)}`);
  }

  /** Lists devices with optional filters (snake_case, as the API names them). */
  listDevices(filters: Record<string, string | number | boolean> = {}): Promise<PageOf<DeviceView>> {
    return this.send('get', '/devices', undefined, filters);
  }

  /** Runs a vendor command on a device (`lock`, `restart`, `blankpush`, `contain`, …). */
  runCommand(deviceId: string, command: string, params: Record<string, unknown> = {}, integrationId?: string): Promise<CommandView> {
    return this.send('post', `/devices/${encodeURIComponent(deviceId)}/commands`, { command, params, ...(integrationId ? { integration_id: integrationId } : {}) });
  }

  /** Reads a command's status. */
  getCommand(commandId: string): Promise<CommandView> {
    return this.send('get', `/commands/${encodeURIComponent(commandId)}`);
  }

  /** Network-contains a host through its EDR. */
  contain(deviceId: string, integrationId?: string): Promise<CommandView> {
    return this.send('post', `/devices/${encodeURIComponent(deviceId)}/actions/contain`, integrationId ? { integration_id: integrationId } : {});
  }

  /** Lifts a host's network containment. */
  liftContainment(deviceId: string, integrationId?: string): Promise<CommandView> {
    return this.send('post', `/devices/${encodeURIComponent(deviceId)}/actions/lift-containment`, integrationId ? { integration_id: integrationId } : {});
  }
}
