import {
  ConnectorError,
  wantsEntity,
  type CommandRequest,
  type CommandResult,
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
import { OktaClient } from './client';
import { oktaManifest } from './manifest';
import { mapOktaDevice, mapOktaDeviceAssurance, mapOktaLogEvent, mapOktaPolicy, mapOktaUser } from './mappers';
import type { OktaDevice, OktaDeviceAssurance, OktaDeviceUser, OktaGroup, OktaLogEvent, OktaPolicy, OktaUser } from './okta-types';
import { DEVICE_COMPLIANCE_CHANGE, DEVICE_RISK_CHANGE, signSecurityEvent, type SignedSet } from './security-events';
import { resolveOktaSettings, type ResolvedOktaSettings } from './settings';

type Params = Record<string, string | number>;

/** Okta connector: users (with deprovisioned ones and group names), devices, policies, System Log signals, device trust pushes. */
export class OktaConnector implements Connector {
  readonly manifest = oktaManifest;
  private readonly settings: ResolvedOktaSettings;
  private readonly client: OktaClient;

  constructor(private readonly ctx: ConnectorContext) {
    this.settings = resolveOktaSettings(ctx.integration.settings);
    this.client = new OktaClient(ctx, this.settings);
  }

  async testConnection(): Promise<ConnectionTestResult> {
    const page = await this.client.page<OktaUser>('/api/v1/users', { limit: 1 });
    return { ok: true, details: { org: this.client.orgUrl, authMode: this.client.authMode, sampledUsers: page.items.length } };
  }

  streams(req: StreamRequest): StreamSpec[] {
    const since = req.syncType === 'incremental' ? req.since : null;
    const out: StreamSpec[] = [];
    if (wantsEntity(req.syncType, 'user')) out.push(this.usersStream(since));
    if (wantsEntity(req.syncType, 'device')) out.push(this.devicesStream());
    if (wantsEntity(req.syncType, 'policy')) out.push(this.policiesStream());
    if (wantsEntity(req.syncType, 'detection')) out.push(this.systemLogStream(req.since));
    return out;
  }

  /** Follows `rel="next"` from `cursor` (a next URL) or from the first page, yielding mapped pages. */
  private async *linkPages<T, E extends StreamEntity>(path: string, params: Params, cursor: string | null, map: (items: T[]) => StreamRecord[E][], signal?: AbortSignal): AsyncGenerator<Page<E>> {
    let page = await this.client.page<T>(cursor ?? path, params, signal);
    for (;;) {
      yield { records: map(page.items), nextCursor: page.next };
      if (!page.next) return;
      page = await this.client.page<T>(page.next, params, signal);
    }
  }

  private usersStream(since: Date | null): StreamSpec<'user'> {
    // The plain list hides DEPROVISIONED users; any `search` includes them, so a full sync asks for all of them.
    const search = since ? `lastUpdated gt "${since.toISOString()}"` : 'status pr';
    return {
      name: 'okta.users',
      entity: 'user',
      complete: since === null,
      pages: (cursor, signal) => this.usersPages(search, cursor, signal),
    };
  }

  private async *usersPages(search: string, cursor: string | null, signal?: AbortSignal): AsyncGenerator<Page<'user'>> {
    const groups = this.settings.groupMemberships === 'by_group' ? await this.groupIndex(signal) : new Map<string, string[]>();
    yield* this.linkPages<OktaUser, 'user'>('/api/v1/users', { limit: this.settings.pageSize, search }, cursor, (users) => users.map((u) => mapOktaUser(u, groups.get(u.id) ?? [])), signal);
  }

  /** user id → group names, from each group's member list (far fewer calls than one per user). */
  private async groupIndex(signal?: AbortSignal): Promise<Map<string, string[]>> {
    const index = new Map<string, string[]>();
    let next: string | null = null;
    do {
      const groups: { items: OktaGroup[]; next: string | null } = await this.client.page<OktaGroup>(next ?? '/api/v1/groups', { limit: this.settings.pageSize }, signal);
      for (const g of groups.items) {
        if (g.type === 'BUILT_IN' && !this.settings.includeBuiltInGroups) continue;
        const name = g.profile?.name ?? g.id;
        let members: string | null = null;
        do {
          const page: { items: OktaUser[]; next: string | null } = await this.client.page<OktaUser>(members ?? `/api/v1/groups/${encodeURIComponent(g.id)}/users`, { limit: this.settings.pageSize }, signal);
          for (const u of page.items) index.set(u.id, [...(index.get(u.id) ?? []), name]);
          members = page.next;
        } while (members);
      }
      next = groups.next;
    } while (next);
    return index;
  }

  private devicesStream(): StreamSpec<'device'> {
    return {
      name: 'okta.devices',
      entity: 'device',
      // The device list has no hidden states: DEACTIVATED devices stay listed until deleted.
      complete: true,
      pages: (cursor, signal) => this.linkPages<OktaDevice, 'device'>('/api/v1/devices', { limit: this.settings.pageSize, expand: 'user' }, cursor, (d) => d.map(mapOktaDevice), signal),
    };
  }

  private policiesStream(): StreamSpec<'policy'> {
    return { name: 'okta.policies', entity: 'policy', complete: true, pages: (cursor, signal) => this.policyPages(cursor, signal) };
  }

  // Cursor: {"t": index into policyTypes (its length = device assurances), "next": URL or null}.
  private async *policyPages(cursor: string | null, signal?: AbortSignal): AsyncGenerator<Page<'policy'>> {
    const types = this.settings.policyTypes;
    const start = cursor ? (JSON.parse(cursor) as { t: number; next: string | null }) : { t: 0, next: null };
    for (let t = start.t; t < types.length; t++) {
      let next = t === start.t ? start.next : null;
      do {
        const page: { items: OktaPolicy[]; next: string | null } = await this.client.page<OktaPolicy>(next ?? '/api/v1/policies', { type: types[t], limit: this.settings.pageSize }, signal);
        next = page.next;
        const resume = next ? { t, next } : { t: t + 1, next: null };
        const last = !next && t === types.length - 1 && !this.settings.includeDeviceAssurance;
        yield { records: page.items.map(mapOktaPolicy), nextCursor: last ? null : JSON.stringify(resume) };
      } while (next);
    }
    if (this.settings.includeDeviceAssurance) {
      const baselines = await this.client.get<OktaDeviceAssurance[]>('/api/v1/device-assurances', undefined, signal);
      if (!Array.isArray(baselines)) throw new ConnectorError('invalid_response', 'okta', 'device assurances did not return an array');
      yield { records: baselines.map(mapOktaDeviceAssurance), nextCursor: null };
    }
  }

  private systemLogStream(since: Date | null): StreamSpec<'detection'> {
    return {
      name: 'okta.system-log',
      entity: 'detection',
      complete: false,
      pages: (cursor, signal) => this.systemLogPages(since, cursor, signal),
    };
  }

  /**
   * A polling System Log query (ASCENDING, no `until`) always carries `rel="next"`, even on an
   * empty page: an empty page means caught up, so that is where the stream stops.
   */
  private async *systemLogPages(since: Date | null, cursor: string | null, signal?: AbortSignal): AsyncGenerator<Page<'detection'>> {
    const from = since ?? new Date(this.ctx.now().getTime() - this.settings.logLookbackHours * 3_600_000);
    const params: Params = { since: from.toISOString(), sortOrder: 'ASCENDING', limit: this.settings.pageSize, filter: this.settings.logFilter };
    let page = await this.client.page<OktaLogEvent>(cursor ?? '/api/v1/logs', params, signal);
    while (page.items.length > 0 && page.next) {
      yield { records: page.items.map(mapOktaLogEvent), nextCursor: page.next };
      page = await this.client.page<OktaLogEvent>(page.next, params, signal);
    }
    yield { records: page.items.map(mapOktaLogEvent), nextCursor: null };
  }

  private deviceUsers(deviceId: string): Promise<OktaDeviceUser[]> {
    return this.client.get<OktaDeviceUser[]>(`/api/v1/devices/${encodeURIComponent(deviceId)}/users`);
  }

  private async revokeSessions(users: OktaDeviceUser[]): Promise<string[]> {
    const done: string[] = [];
    for (const link of users) {
      if (!link.user?.id) continue;
      await this.client.delete(`/api/v1/users/${encodeURIComponent(link.user.id)}/sessions`, { oauthTokens: true });
      done.push(link.user.id);
    }
    return done;
  }

  private async lifecycle(deviceId: string, action: 'suspend' | 'unsuspend'): Promise<void> {
    await this.client.post(`/api/v1/devices/${encodeURIComponent(deviceId)}/lifecycle/${action}`);
  }

  async runCommand(deviceExternalId: string, req: CommandRequest): Promise<CommandResult> {
    switch (req.command) {
      case 'suspend_device':
      case 'unsuspend_device': {
        const action = req.command === 'suspend_device' ? 'suspend' : 'unsuspend';
        await this.lifecycle(deviceExternalId, action);
        return { status: 'completed', vendorReference: null, detail: { lifecycle: action } };
      }
      case 'revoke_sessions': {
        const revoked = await this.revokeSessions(await this.deviceUsers(deviceExternalId));
        return { status: 'completed', vendorReference: null, detail: { sessionsRevokedForUsers: revoked, oauthTokens: true } };
      }
      default:
        throw new ConnectorError('unsupported', 'okta', `okta has no command ${req.command}`);
    }
  }

  async commandStatus(): Promise<CommandResult> {
    // Every Okta command completes inside its own call (204), so there is never anything to poll.
    return { status: 'completed', vendorReference: null };
  }

  private async sendSignal(deviceId: string, userEmail: string | null, eventType: string, claims: Record<string, unknown>): Promise<SignedSet> {
    const key = this.ctx.credentials.ssf_private_key ?? this.ctx.credentials.private_key;
    if (!this.settings.ssfIssuer || !key) throw new ConnectorError('unsupported', 'okta', 'pushing a signal needs settings.ssfIssuer and an ssf_private_key credential');
    const set = signSecurityEvent({
      issuer: this.settings.ssfIssuer,
      audience: this.client.orgUrl,
      keyId: this.settings.ssfKeyId,
      privateKeyPem: key,
      eventType,
      subject: { deviceId, userEmail },
      claims,
      nowMs: this.ctx.now().getTime(),
    });
    await this.client.postSecurityEvent(set.jwt);
    return set;
  }

  async pushCompliance(deviceExternalId: string, state: ComplianceState): Promise<PushResult> {
    const s = this.settings;
    if (!s.ssfIssuer && !s.suspendNonCompliantDevices && !s.revokeSessionsOnNonCompliant) {
      throw new ConnectorError('unsupported', 'okta', 'no compliance push is configured (ssfIssuer, suspendNonCompliantDevices or revokeSessionsOnNonCompliant)');
    }
    const users = await this.deviceUsers(deviceExternalId);
    const email = users[0]?.user?.profile?.email ?? null;
    const summary: Record<string, unknown> = { deviceId: deviceExternalId, compliant: state.isCompliant, signal: null, deviceLifecycle: null, sessionsRevokedForUsers: [] };
    let reference: string | null = null;
    if (s.ssfIssuer) {
      const reason = state.isCompliant ? 'Device meets the platform compliance policy' : `Non-compliant: ${state.violations.join('; ') || 'policy violation'}`;
      const set = await this.sendSignal(deviceExternalId, email, DEVICE_COMPLIANCE_CHANGE, {
        current_status: state.isCompliant ? 'compliant' : 'not-compliant',
        initiating_entity: 'policy',
        reason_admin: { en: reason },
      });
      reference = set.jti;
      summary.signal = { eventType: set.eventType, jti: set.jti, event: set.event };
    }
    if (s.suspendNonCompliantDevices) {
      const device = await this.client.get<OktaDevice>(`/api/v1/devices/${encodeURIComponent(deviceExternalId)}`);
      if (!state.isCompliant && device.status === 'ACTIVE') summary.deviceLifecycle = 'suspended';
      if (state.isCompliant && device.status === 'SUSPENDED') summary.deviceLifecycle = 'unsuspended';
      if (summary.deviceLifecycle) await this.lifecycle(deviceExternalId, summary.deviceLifecycle === 'suspended' ? 'suspend' : 'unsuspend');
    }
    if (s.revokeSessionsOnNonCompliant && !state.isCompliant) summary.sessionsRevokedForUsers = await this.revokeSessions(users);
    return { vendorReference: reference, summary };
  }

  async pushRiskScore(deviceExternalId: string, state: RiskState): Promise<PushResult> {
    // Okta's risk levels stop at high.
    const level = state.riskLevel === 'critical' ? 'high' : state.riskLevel;
    const users = await this.deviceUsers(deviceExternalId);
    const set = await this.sendSignal(deviceExternalId, users[0]?.user?.profile?.email ?? null, DEVICE_RISK_CHANGE, {
      current_level: level,
      initiating_entity: 'policy',
      reason_admin: { en: `Risk score ${state.totalRiskScore}${state.riskFactors.length ? `: ${state.riskFactors.join('; ')}` : ''}` },
    });
    return { vendorReference: set.jti, summary: { deviceId: deviceExternalId, signal: { eventType: set.eventType, jti: set.jti, event: set.event } } };
  }
}
