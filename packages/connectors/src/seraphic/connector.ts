import { ValidationError } from '@trustsync/core';
import type { DetectionRecord } from '@trustsync/model';
import {
  ConnectorError,
  wantsEntity,
  type ComplianceState,
  type ConnectionTestResult,
  type Connector,
  type ConnectorContext,
  type Page,
  type PushResult,
  type RiskState,
  type StreamEntity,
  type StreamRecord,
  type StreamRequest,
  type StreamSpec,
} from '../core';
import { feedTime, SeraphicClient } from './client';
import { manifest } from './manifest';
import {
  mapDlpViolation,
  mapEndpoint,
  mapSentinelAlert,
  mapSeraphicDetection,
  mapSeraphicPolicy,
  mapSeraphicUser,
  type SeraphicDetection,
  type SeraphicDlpViolation,
  type SeraphicEndpoint,
  type SeraphicPolicy,
  type SeraphicUser,
} from './mappers';
import { resolveSeraphicSettings, type ResolvedSeraphicSettings } from './settings';

const VENDOR = 'seraphic';

/** A time-windowed walk: the window is fixed when the walk starts, so a resumed walk reads the same one. */
interface WindowCursor {
  from: string;
  to: string;
  cursor: string | null;
}

function readWindow(cursor: string | null, fresh: () => WindowCursor): WindowCursor {
  if (!cursor) return fresh();
  const c = JSON.parse(cursor) as Partial<WindowCursor>;
  if (typeof c.from !== 'string' || typeof c.to !== 'string' || Number.isNaN(Date.parse(c.from)) || Number.isNaN(Date.parse(c.to))) throw new ValidationError(`not a Seraphic window cursor: ${cursor}`);
  return { from: c.from, to: c.to, cursor: typeof c.cursor === 'string' ? c.cursor : null };
}

/** The Seraphic connector, on the proposed REST contract and the evidenced Sentinel feed. */
export class SeraphicConnector implements Connector {
  readonly manifest = manifest;
  private readonly settings: ResolvedSeraphicSettings;
  private readonly client: SeraphicClient;

  constructor(private readonly ctx: ConnectorContext) {
    this.settings = resolveSeraphicSettings(ctx.integration.settings);
    this.client = new SeraphicClient(ctx, this.settings);
  }

  async testConnection(): Promise<ConnectionTestResult> {
    const page = await this.client.page<SeraphicEndpoint>('/endpoints', { limit: 1 }, null);
    return { ok: true, details: { endpointsOnFirstPage: page.data.length, apiKeyHeader: this.settings.apiKeyHeader, eventsFeed: this.settings.pollEventsFeed } };
  }

  streams(req: StreamRequest): StreamSpec[] {
    const s = this.settings;
    const out: StreamSpec[] = [];
    // The proposed lists have no change filter: incremental syncs read them whole.
    if (wantsEntity(req.syncType, 'device')) out.push(this.cursorStream<'device', SeraphicEndpoint>('seraphic-endpoints', 'device', '/endpoints', mapEndpoint));
    if (wantsEntity(req.syncType, 'user')) out.push(this.cursorStream<'user', SeraphicUser>('seraphic-users', 'user', '/users', mapSeraphicUser));
    if (wantsEntity(req.syncType, 'policy')) out.push(this.cursorStream<'policy', SeraphicPolicy>('seraphic-policies', 'policy', '/policies', mapSeraphicPolicy));
    if (wantsEntity(req.syncType, 'detection')) {
      const since = req.syncType === 'full' ? null : req.since;
      if (s.pollRestDetections) out.push(this.windowStream<SeraphicDetection>('seraphic-detections', '/detections', mapSeraphicDetection, since));
      if (s.pollDlpViolations) out.push(this.windowStream<SeraphicDlpViolation>('seraphic-dlp-violations', '/dlp-violations', mapDlpViolation, since));
      if (s.pollEventsFeed && s.eventsUrl) out.push(this.feedStream(since));
    }
    return out;
  }

  /** A complete list walked by the vendor's cursor, which is the saved cursor as it came. */
  private cursorStream<E extends StreamEntity, T>(name: string, entity: E, path: string, map: (item: T) => StreamRecord[E]): StreamSpec<E> {
    const client = this.client;
    return {
      name,
      entity,
      complete: true,
      async *pages(cursor, signal): AsyncIterable<Page<E>> {
        let at = cursor;
        do {
          signal?.throwIfAborted();
          const page = await client.page<T>(path, {}, at, signal);
          yield { records: page.data.map(map), nextCursor: page.nextCursor };
          at = page.nextCursor;
        } while (at);
      },
    };
  }

  /** Detections or DLP violations of a time window: never complete (old ones age out of it). */
  private windowStream<T>(name: string, path: string, map: (item: T) => DetectionRecord, since: Date | null): StreamSpec<'detection'> {
    const client = this.client;
    const fresh = (): WindowCursor => ({ from: feedTime(since ?? new Date(this.ctx.now().getTime() - this.settings.detectionLookbackHours * 3_600_000)), to: feedTime(this.ctx.now()), cursor: null });
    return {
      name,
      entity: 'detection',
      complete: false,
      async *pages(cursor, signal) {
        const w = readWindow(cursor, fresh);
        do {
          signal?.throwIfAborted();
          const page = await client.page<T>(path, { from: w.from, to: w.to }, w.cursor, signal);
          w.cursor = page.nextCursor;
          yield { records: page.data.map(map), nextCursor: w.cursor ? JSON.stringify(w) : null };
        } while (w.cursor);
      },
    };
  }

  /** The Sentinel-style feed in fixed windows, as Seraphic's own connector polls it; only Alerts are detections. */
  private feedStream(since: Date | null): StreamSpec<'detection'> {
    const client = this.client;
    const windowMs = this.settings.eventsWindowMinutes * 60_000;
    const fresh = (): WindowCursor => ({ from: feedTime(since ?? new Date(this.ctx.now().getTime() - this.settings.eventsLookbackMinutes * 60_000)), to: feedTime(this.ctx.now()), cursor: null });
    return {
      name: 'seraphic-events-feed',
      entity: 'detection',
      complete: false,
      async *pages(cursor, signal) {
        const w = readWindow(cursor, fresh);
        const end = Date.parse(w.to);
        for (let start = Date.parse(w.from); start < end; start += windowMs) {
          signal?.throwIfAborted();
          const stop = Math.min(start + windowMs, end);
          const records = await client.eventsFeed(new Date(start), new Date(stop), signal);
          const next = stop < end ? JSON.stringify({ from: feedTime(new Date(stop)), to: w.to, cursor: null }) : null;
          yield { records: records.filter((r) => r.bd_type === 'Alert').map(mapSentinelAlert), nextCursor: next };
        }
      },
    };
  }

  async pushRiskScore(deviceExternalId: string, state: RiskState): Promise<PushResult> {
    return this.push(deviceExternalId, { riskScore: state.totalRiskScore, riskLevel: state.riskLevel, reasons: state.riskFactors });
  }

  async pushCompliance(deviceExternalId: string, state: ComplianceState): Promise<PushResult> {
    return this.push(deviceExternalId, { compliant: state.isCompliant, ...(state.complianceScore === null ? {} : { complianceScore: state.complianceScore }), reasons: state.violations });
  }

  private async push(endpointId: string, signal: Record<string, unknown>): Promise<PushResult> {
    if (!this.settings.pushEnabled) return { vendorReference: null, summary: { endpointId, changed: false, note: 'pushEnabled is false: nothing sent to Seraphic' } };
    const observedAt = this.ctx.now().toISOString();
    const body = { source: this.settings.riskSource, ...signal, observedAt, ttlSeconds: this.settings.riskTtlSeconds };
    const answer = await this.client.pushRisk(endpointId, body);
    if (answer.accepted === false) throw new ConnectorError('rejected', VENDOR, `Seraphic did not accept the signal for endpoint ${endpointId}`);
    return {
      vendorReference: `${endpointId}@${observedAt}`,
      summary: { endpointId, sent: body, accepted: answer.accepted ?? null, appliedPolicyId: answer.appliedPolicyId ?? null },
    };
  }
}
