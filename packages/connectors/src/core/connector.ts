import type { OutboundPolicy } from './outbound-policy';
import type { Logger } from '@trustsync/core';
import type { DevicePostureRecord, DeviceRecord, DetectionRecord, IntegrationType, PolicyRecord, UserRecord } from '@trustsync/model';
import type { RateGate } from './rate-gate';

/** Decrypted credentials, as an operator configured them (field names of the original design). */
export interface Credentials {
  api_key?: string;
  api_secret?: string;
  client_id?: string;
  client_secret?: string;
  access_token?: string;
  refresh_token?: string;
  username?: string;
  password?: string;
  private_key?: string;
  [field: string]: string | undefined;
}

/** The integration fields a connector may read; never the database row itself. */
export interface IntegrationView {
  id: string;
  type: IntegrationType;
  endpoint: string | null;
  region: string | null;
  apiVersion: string | null;
  authType: string;
  settings: Record<string, unknown>;
}

/** Small shared store for tokens and sessions (Redis in workers, memory in tests). */
export interface TokenCache {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Runs `fn` while holding a short lock on `key`, so one process at a time refreshes a token. */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

/** Everything a connector is given; it touches no database, queue or `process.env`. */
export interface ConnectorContext {
  integration: IntegrationView;
  credentials: Credentials;
  gate: RateGate;
  logger: Logger;
  tokenCache: TokenCache;
  /** Wall clock, replaceable in tests. */
  now: () => Date;
  /** Called after every vendor response (metrics). */
  onResponse?: (status: number, latencyMs: number) => void;
  /** Where requests may go (SSRF guard); services pass their configured policy, unit tests may leave it out. */
  outbound?: OutboundPolicy;
}

/** Which platform entity a stream writes; `device_posture` patches devices already pulled. */
export type StreamEntity = 'device' | 'device_posture' | 'user' | 'policy' | 'detection';

/** The record type each stream entity yields. */
export interface StreamRecord {
  device: DeviceRecord;
  device_posture: DevicePostureRecord;
  user: UserRecord;
  policy: PolicyRecord;
  detection: DetectionRecord;
}

/** One page of a stream, with the cursor that resumes after it (null: the stream is finished). */
export interface Page<E extends StreamEntity = StreamEntity> {
  records: StreamRecord[E][];
  nextCursor: string | null;
}

/** Sync types an operator can ask for. */
export const SYNC_TYPES = ['full', 'incremental', 'devices', 'users', 'policies', 'detections'] as const;
export type SyncType = (typeof SYNC_TYPES)[number];

/** What a stream is asked for. */
export interface StreamRequest {
  syncType: SyncType;
  /** For incremental syncs: the start of the last successful sync. */
  since: Date | null;
}

/**
 * One pull stream. `complete` says the stream lists every live record of its entity type, so
 * that after a successful full sync records it did not yield can be marked deleted.
 */
export interface StreamSpec<E extends StreamEntity = StreamEntity> {
  name: string;
  entity: E;
  complete: boolean;
  /** Yields pages from `cursor` (null = the beginning). */
  pages(cursor: string | null, signal?: AbortSignal): AsyncIterable<Page<E>>;
}

/** Remote commands a connector can run on a device. */
export interface CommandRequest {
  command: string;
  params: Record<string, unknown>;
}

/** What a vendor said to a command. `pending` commands are polled with `commandStatus`. */
export interface CommandResult {
  status: 'completed' | 'pending' | 'failed';
  vendorReference?: string | null;
  detail?: Record<string, unknown>;
  message?: string;
}

/** Compliance state to push, in the original design's shape. */
export interface ComplianceState {
  isCompliant: boolean;
  complianceScore: number | null;
  violations: string[];
}

/** Risk to push, in the original design's shape. */
export interface RiskState {
  totalRiskScore: number;
  riskLevel: 'low' | 'medium' | 'high' | 'critical';
  riskFactors: string[];
}

/** What a push changed on the vendor side, recorded on the push row. */
export interface PushResult {
  vendorReference: string | null;
  summary: Record<string, unknown>;
  /** True when the change is staged and takes effect only after `activateStaged` (asked for with `deferActivation`). */
  awaitsActivation?: boolean;
}

/** How a push is applied. */
export interface PushOptions {
  /**
   * Leave a vendor's staged change unactivated (ZIA): the caller batches the pushes of a tenant and
   * calls `activateStaged` once after them. Connectors that apply changes at once ignore it.
   */
  deferActivation?: boolean;
}

/** How activating a tenant's staged changes ended: `settled` only when the vendor reports them active. */
export interface ActivationResult {
  status: string;
  settled: boolean;
  /** Status reads after the activation request. */
  polls: number;
}

/** Capability names a manifest can declare. */
export type Capability = 'pullDevices' | 'pullUsers' | 'pullPolicies' | 'pullDetections' | 'pushCompliance' | 'pushRiskScore' | 'runCommand' | 'webhooks';

/** Static facts about a vendor. */
export interface ConnectorManifest {
  type: IntegrationType;
  displayName: string;
  authTypes: readonly string[];
  capabilities: readonly Capability[];
  commands: readonly string[];
  /** Host patterns of the vendor's API (`*.okta.com`): outside development, endpoints elsewhere need the operator's allow-list. */
  hosts: readonly string[];
  /** The vendor's documented budget, used unless the integration overrides it. */
  defaultRateLimit: { requests: number; periodSeconds: number; maxConcurrent?: number };
}

/** Result of a connection test: it authenticated and read one page. */
export interface ConnectionTestResult {
  ok: true;
  details: Record<string, unknown>;
}

/**
 * A live connector for one integration. Optional methods must exist exactly when the
 * manifest declares the matching capability (the conformance suite checks it).
 */
export interface Connector {
  readonly manifest: ConnectorManifest;
  testConnection(): Promise<ConnectionTestResult>;
  /** The pull streams for a sync type, in the order they must run. */
  streams(req: StreamRequest): StreamSpec[];
  runCommand?(deviceExternalId: string, req: CommandRequest): Promise<CommandResult>;
  commandStatus?(deviceExternalId: string, vendorReference: string): Promise<CommandResult>;
  pushCompliance?(deviceExternalId: string, state: ComplianceState, options?: PushOptions): Promise<PushResult>;
  pushRiskScore?(deviceExternalId: string, state: RiskState, options?: PushOptions): Promise<PushResult>;
  /** Activates every change staged in the tenant so far and waits until the vendor reports it active (vendors that stage writes only). */
  activateStaged?(): Promise<ActivationResult>;
  close?(): Promise<void>;
}

/** Builds a connector from its context. */
export type ConnectorFactory = (ctx: ConnectorContext) => Connector;

/** Which streams a sync type includes, given the integration's sync_* switches. */
export function wantsEntity(syncType: SyncType, entity: StreamEntity): boolean {
  switch (syncType) {
    case 'full':
    case 'incremental':
      return true;
    case 'devices':
      return entity === 'device' || entity === 'device_posture';
    case 'users':
      return entity === 'user';
    case 'policies':
      return entity === 'policy';
    case 'detections':
      return entity === 'detection';
  }
}
