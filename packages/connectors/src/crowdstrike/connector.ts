import type { DeviceRecord } from '@trustsync/model';
import {
  ConnectorError,
  wantsEntity,
  type CommandRequest,
  type CommandResult,
  type ConnectionTestResult,
  type Connector,
  type ConnectorContext,
  type Page,
  type StreamRequest,
  type StreamSpec,
} from '../core';
import { FalconClient, isCursorExpired } from './client';
import type { FalconAlert, FalconHost, FalconPreventionPolicy } from './falcon-types';
import { crowdstrikeManifest } from './manifest';
import { mapFalconAlert, mapFalconHost, mapFalconPolicy } from './mappers';
import { resolveCrowdStrikeSettings, type ResolvedCrowdStrikeSettings } from './settings';

// A scroll or `after` cursor that keeps expiring means something is wrong; stop restarting then.
const MAX_RESTARTS = 5;
const ACTIONS = { contain: { done: 'contained', pending: 'containment_pending' }, lift_containment: { done: 'normal', pending: 'lift_containment_pending' } } as const;
type Action = keyof typeof ACTIONS;

/** Host stream cursor: visible phase (scroll token, last id yielded, ids scanned) or hidden phase (integer offset). */
type HostCursor = { p: 'v'; o: string | null; l: string | null; n: number } | { p: 'h'; o: number };
/** Alert stream cursor: the `after` token, the lower bound its query used, and the watermark to restart from. */
type AlertCursor = { a: string | null; b: string | null; w: string | null };

function fql(...parts: Array<string | undefined | null>): string | undefined {
  const s = parts.filter(Boolean).join('+');
  return s || undefined;
}

/** CrowdStrike Falcon connector: hosts by scroll (hidden ones flagged), prevention policies, v2 alerts, containment. */
export class CrowdStrikeConnector implements Connector {
  readonly manifest = crowdstrikeManifest;
  private readonly settings: ResolvedCrowdStrikeSettings;
  private readonly client: FalconClient;

  constructor(private readonly ctx: ConnectorContext) {
    this.settings = resolveCrowdStrikeSettings(ctx.integration.settings, ctx.integration.region);
    this.client = new FalconClient(ctx, this.settings);
  }

  async testConnection(): Promise<ConnectionTestResult> {
    const env = await this.client.call<string>('GET', '/devices/queries/devices/v1', { params: { limit: 1 } });
    return { ok: true, details: { baseUrl: this.client.baseUrl, hosts: env.meta?.pagination?.total ?? null } };
  }

  streams(req: StreamRequest): StreamSpec[] {
    const since = req.syncType === 'incremental' ? req.since : null;
    const out: StreamSpec[] = [];
    if (wantsEntity(req.syncType, 'device')) {
      out.push({ name: 'crowdstrike.hosts', entity: 'device', complete: since === null, pages: (cursor, signal) => this.hostPages(since, cursor, signal) });
    }
    if (wantsEntity(req.syncType, 'policy')) out.push({ name: 'crowdstrike.prevention-policies', entity: 'policy', complete: true, pages: (cursor, signal) => this.policyPages(cursor, signal) });
    if (wantsEntity(req.syncType, 'detection')) out.push({ name: 'crowdstrike.alerts', entity: 'detection', complete: false, pages: (cursor, signal) => this.alertPages(since, cursor, signal) });
    return out;
  }

  /** Details for at most 100 ids, sent as repeated `ids` parameters. */
  private async hostDetails(ids: string[], signal?: AbortSignal): Promise<FalconHost[]> {
    if (ids.length === 0) return [];
    const env = await this.client.call<FalconHost>('GET', '/devices/entities/devices/v2', { params: { ids }, signal });
    return env.resources ?? [];
  }

  private async *hostPages(since: Date | null, cursor: string | null, signal?: AbortSignal): AsyncGenerator<Page<'device'>> {
    let state: HostCursor = cursor ? (JSON.parse(cursor) as HostCursor) : { p: 'v', o: null, l: null, n: 0 };
    const hiddenPhase = since === null && this.settings.includeHiddenHosts;
    const filter = fql(this.settings.hostFilter, since ? `modified_timestamp:>='${since.toISOString()}'` : null);
    let restarts = 0;
    while (state.p === 'v') {
      let env;
      try {
        env = await this.client.call<string>('GET', '/devices/queries/devices-scroll/v1', { params: { limit: this.settings.hostPageSize, sort: this.settings.hostSort, filter, offset: state.o ?? undefined }, signal });
      } catch (err) {
        if (!isCursorExpired(err) || restarts >= MAX_RESTARTS) throw err;
        // The ~2 minute scroll token died: scroll again from the start, skipping ids already yielded.
        restarts++;
        this.ctx.logger.info('falcon scroll token expired; restarting the scroll', { vendor: 'crowdstrike', lastId: state.l, restarts });
        state = { ...state, o: null, n: 0 };
        continue;
      }
      const page = env.resources ?? [];
      const lastId = state.l;
      const fresh = lastId ? page.filter((id) => id > lastId) : page;
      const scanned = state.n + page.length;
      const token = String(env.meta?.pagination?.offset ?? '');
      const done = page.length === 0 || token === '' || scanned >= (env.meta?.pagination?.total ?? 0);
      const records = (await this.hostDetails(fresh, signal)).map((h) => mapFalconHost(h));
      state = done ? { p: 'h', o: 0 } : { p: 'v', o: token, l: fresh.at(-1) ?? lastId, n: scanned };
      if (done) yield { records, nextCursor: hiddenPhase ? JSON.stringify(state) : null };
      else if (records.length) yield { records, nextCursor: JSON.stringify(state) };
    }
    if (!hiddenPhase) return;
    // Hidden hosts leave the scroll but are not deleted: they are listed with status removed.
    let offset = state.o;
    for (;;) {
      const env = await this.client.call<string>('GET', '/devices/queries/devices-hidden/v1', { params: { limit: 100, offset }, signal });
      const ids = env.resources ?? [];
      offset += ids.length;
      const done = ids.length === 0 || offset >= (env.meta?.pagination?.total ?? 0);
      const records: DeviceRecord[] = (await this.hostDetails(ids, signal)).map((h) => mapFalconHost(h, { hidden: true }));
      yield { records, nextCursor: done ? null : JSON.stringify({ p: 'h', o: offset }) };
      if (done) return;
    }
  }

  private async *policyPages(cursor: string | null, signal?: AbortSignal): AsyncGenerator<Page<'policy'>> {
    let offset = cursor ? Number(cursor) : 0;
    for (;;) {
      const env = await this.client.call<FalconPreventionPolicy>('GET', '/policy/combined/prevention/v1', { params: { limit: 100, offset }, signal });
      const items = env.resources ?? [];
      offset += items.length;
      const done = items.length === 0 || offset >= (env.meta?.pagination?.total ?? 0);
      yield { records: items.map(mapFalconPolicy), nextCursor: done ? null : String(offset) };
      if (done) return;
    }
  }

  /**
   * Alerts through `POST /alerts/combined/alerts/v1`, sorted on a timestamp that never changes for
   * the window. An expired `after` token restarts from the saved watermark, skipping ids already seen there.
   */
  private async *alertPages(since: Date | null, cursor: string | null, signal?: AbortSignal): AsyncGenerator<Page<'detection'>> {
    const field = since ? 'updated_timestamp' : 'created_timestamp';
    const start = since ?? new Date(this.ctx.now().getTime() - this.settings.alertLookbackDays * 86_400_000);
    let state: AlertCursor = cursor ? (JSON.parse(cursor) as AlertCursor) : { a: null, b: null, w: null };
    const atWatermark = new Set<string>();
    let restarts = 0;
    for (;;) {
      const body = {
        // `after` belongs to one filter, so the bound moves only when the pagination restarts.
        filter: fql(this.settings.alertFilter, `${field}:>='${state.b ?? start.toISOString()}'`),
        sort: `${field}|asc`,
        limit: this.settings.alertPageSize,
        ...(state.a ? { after: state.a } : {}),
      };
      let env;
      try {
        env = await this.client.call<FalconAlert>('POST', '/alerts/combined/alerts/v1', { data: body, signal });
      } catch (err) {
        if (!isCursorExpired(err) || restarts >= MAX_RESTARTS) throw err;
        restarts++;
        state = { a: null, b: state.w, w: state.w };
        continue;
      }
      const alerts = (env.resources ?? []).filter((a) => !atWatermark.has(a.composite_id));
      const after = env.meta?.pagination?.after ?? '';
      const last = alerts.at(-1);
      const watermark = (last?.[field] as string | undefined) ?? state.w;
      if (watermark !== state.w) atWatermark.clear();
      for (const a of alerts) if (a[field] === watermark) atWatermark.add(a.composite_id);
      const done = (env.resources ?? []).length === 0 || !after;
      state = { a: after || null, b: state.b, w: watermark };
      yield { records: alerts.map(mapFalconAlert), nextCursor: done ? null : JSON.stringify(state) };
      if (done) return;
    }
  }

  private async host(deviceExternalId: string): Promise<FalconHost> {
    const [h] = await this.hostDetails([deviceExternalId]);
    if (!h) throw new ConnectorError('not_found', 'crowdstrike', `falcon has no host ${deviceExternalId}`);
    return h;
  }

  private action(command: string): Action {
    if (command in ACTIONS) return command as Action;
    throw new ConnectorError('unsupported', 'crowdstrike', `falcon has no command ${command}`);
  }

  /** Contains or lifts containment; asynchronous on Falcon's side, so the result is pending until the host checks in. */
  async runCommand(deviceExternalId: string, req: CommandRequest): Promise<CommandResult> {
    const action = this.action(req.command);
    const reference = `${action}:${deviceExternalId}`;
    const before = (await this.host(deviceExternalId)).status ?? 'unknown';
    // Never re-send contain to a host already contained or on its way there.
    if (before === ACTIONS[action].done) return { status: 'completed', vendorReference: reference, detail: { containmentStatus: before, sent: false } };
    if (before === ACTIONS[action].pending) return { status: 'pending', vendorReference: reference, detail: { containmentStatus: before, sent: false } };
    const env = await this.client.call<{ id: string }>('POST', '/devices/entities/devices-actions/v2', { params: { action_name: action }, data: { ids: [deviceExternalId] } });
    const failure = env.errors?.find((e) => !e.id || e.id === deviceExternalId);
    if (failure || !(env.resources ?? []).some((r) => r.id === deviceExternalId)) {
      return { status: 'failed', vendorReference: reference, message: failure?.message ?? 'falcon did not accept the action for this host', detail: { containmentStatus: before, sent: true } };
    }
    return { status: 'pending', vendorReference: reference, detail: { containmentStatus: before, sent: true, httpStatus: env.status } };
  }

  /** Reads the host's containment status: `contained` (or `normal` after a lift) completes the command. */
  async commandStatus(deviceExternalId: string, vendorReference: string): Promise<CommandResult> {
    const action = this.action(vendorReference.split(':')[0]);
    const status = (await this.host(deviceExternalId)).status ?? 'unknown';
    const done = status === ACTIONS[action].done;
    return { status: done ? 'completed' : 'pending', vendorReference, detail: { containmentStatus: status } };
  }
}
