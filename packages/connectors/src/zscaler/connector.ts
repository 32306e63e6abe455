import { ValidationError } from '@trustsync/core';
import type { DeviceRecord, PolicyRecord, UserRecord } from '@trustsync/model';
import {
  ConnectorError,
  wantsEntity,
  type ActivationResult,
  type CommandRequest,
  type CommandResult,
  type ComplianceState,
  type ConnectionTestResult,
  type Connector,
  type ConnectorContext,
  type Page,
  type PushOptions,
  type PushResult,
  type RiskState,
  type StreamEntity,
  type StreamRecord,
  type StreamRequest,
  type StreamSpec,
} from '../core';
import { ZscalerClient } from './client';
import { manifest, ZSCALER_COMMANDS, type ZscalerCommand } from './manifest';
import {
  mapAccessRule,
  mapApplicationSegment,
  mapFirewallFilteringRule,
  mapUrlFilteringRule,
  mapZccDevice,
  mapZiaScope,
  mapZiaUser,
  type ZccDevice,
  type ZiaFirewallFilteringRule,
  type ZiaNamedObject,
  type ZiaUser,
  type ZpaAccessRule,
  type ZpaApplicationSegment,
} from './mappers';
import { resolveZscalerSettings, type ResolvedZscalerSettings } from './settings';

const VENDOR = 'zscaler';
const DETAIL_CONCURRENCY = 8;

interface PageCursor {
  page: number;
  size: number;
}

/** Reads a saved `{page, size}` cursor; the page size is kept so a resumed walk sees the same pages. */
function readCursor(cursor: string | null, size: number): PageCursor {
  if (!cursor) return { page: 1, size };
  const parsed = JSON.parse(cursor) as Partial<PageCursor>;
  if (!Number.isInteger(parsed.page) || !Number.isInteger(parsed.size) || parsed.page! < 1 || parsed.size! < 1) throw new ValidationError(`not a Zscaler page cursor: ${cursor}`);
  return parsed as PageCursor;
}

function nextCursor(c: PageCursor): string {
  return JSON.stringify({ page: c.page + 1, size: c.size });
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function stream<E extends StreamEntity>(name: string, entity: E, pages: (cursor: string | null, signal?: AbortSignal) => AsyncIterable<Page<E>>): StreamSpec<E> {
  // Every Zscaler list is read whole, deleted and removed records included (with their status).
  return { name, entity, complete: true, pages };
}

/** Pages of a bare-array list: a page shorter than the page size is the last. */
function barePages<E extends StreamEntity, T>(fetch: (page: number, size: number, signal?: AbortSignal) => Promise<T[]>, map: (items: T[], signal?: AbortSignal) => Promise<StreamRecord[E][]>, defaultSize: number) {
  return async function* (cursor: string | null, signal?: AbortSignal): AsyncIterable<Page<E>> {
    const c = readCursor(cursor, defaultSize);
    for (;;) {
      signal?.throwIfAborted();
      const items = await fetch(c.page, c.size, signal);
      const more = items.length >= c.size;
      yield { records: await map(items, signal), nextCursor: more ? nextCursor(c) : null };
      if (!more) return;
      c.page++;
    }
  };
}

/** The Zscaler connector: ZCC devices, ZIA users and policies, ZPA segments and rules; pushes through ZIA groups. */
export class ZscalerConnector implements Connector {
  readonly manifest = manifest;
  private readonly settings: ResolvedZscalerSettings;
  private readonly client: ZscalerClient;

  constructor(ctx: ConnectorContext) {
    this.settings = resolveZscalerSettings(ctx.integration.settings);
    this.client = new ZscalerClient(ctx, this.settings);
  }

  async testConnection(): Promise<ConnectionTestResult> {
    const details: Record<string, unknown> = { authGeneration: this.settings.authGeneration, products: [...this.client.products] };
    if (this.client.products.has('zia')) details.ziaUsersOnFirstPage = (await this.client.ziaPage<ZiaUser>('/users', 1, 1)).length;
    if (this.client.products.has('zpa')) details.zpaSegmentPages = (await this.client.zpaPage('/application', 1, 1)).totalPages;
    if (this.client.products.has('zcc')) details.zccDevicesOnFirstPage = (await this.client.zccDevices(1, 1)).length;
    return { ok: true, details };
  }

  streams(req: StreamRequest): StreamSpec[] {
    const has = (p: 'zia' | 'zpa' | 'zcc'): boolean => this.client.products.has(p);
    const out: StreamSpec[] = [];
    // ZIA, ZPA and ZCC lists have no change filter: incremental syncs read them whole too.
    if (has('zcc') && wantsEntity(req.syncType, 'device')) out.push(this.devices());
    if (has('zia') && wantsEntity(req.syncType, 'user')) out.push(this.users());
    if (wantsEntity(req.syncType, 'policy')) {
      if (has('zia')) out.push(this.ziaScopes('group'), this.ziaScopes('department'), this.urlFilteringRules(), this.firewallFilteringRules());
      if (has('zpa')) {
        out.push(this.zpaStream<ZpaApplicationSegment>('zpa-application-segments', '/application', mapApplicationSegment));
        out.push(this.zpaStream<ZpaAccessRule>('zpa-access-rules', '/policySet/rules/policyType/ACCESS_POLICY', mapAccessRule));
      }
    }
    return out;
  }

  private devices(): StreamSpec<'device'> {
    const withDetails = this.settings.zccDeviceDetails;
    const map = async (items: ZccDevice[], signal?: AbortSignal): Promise<DeviceRecord[]> => {
      const details = withDetails ? await mapLimit(items, DETAIL_CONCURRENCY, (d) => this.client.zccDeviceDetails(d.udid, signal)) : items.map(() => null);
      return items.map((d, i) => mapZccDevice(d, details[i]));
    };
    return stream('zcc-devices', 'device', barePages<'device', ZccDevice>((p, s, sig) => this.client.zccDevices(p, s, sig), map, this.settings.zccPageSize));
  }

  private users(): StreamSpec<'user'> {
    const map = async (items: ZiaUser[]): Promise<UserRecord[]> => items.map(mapZiaUser);
    return stream('zia-users', 'user', barePages<'user', ZiaUser>((p, s, sig) => this.client.ziaPage<ZiaUser>('/users', p, s, undefined, sig), map, this.settings.ziaPageSize));
  }

  private ziaScopes(kind: 'group' | 'department'): StreamSpec<'policy'> {
    const map = async (items: ZiaNamedObject[]): Promise<PolicyRecord[]> => items.map((o) => mapZiaScope(kind, o));
    const path = kind === 'group' ? '/groups' : '/departments';
    return stream(`zia-${kind}s`, 'policy', barePages<'policy', ZiaNamedObject>((p, s, sig) => this.client.ziaPage<ZiaNamedObject>(path, p, s, undefined, sig), map, this.settings.ziaPageSize));
  }

  private urlFilteringRules(): StreamSpec<'policy'> {
    const client = this.client;
    return stream('zia-url-filtering-rules', 'policy', async function* (_cursor, signal) {
      yield { records: (await client.urlFilteringRules(signal)).map(mapUrlFilteringRule), nextCursor: null };
    });
  }

  /**
   * Cloud firewall filtering rules, the network-layer policies beside the URL rules. Paged; a
   * tenant that ignored the page would send the same rules again, so a page of ids already seen
   * ends the list instead of looping.
   */
  private firewallFilteringRules(): StreamSpec<'policy'> {
    const seen = new Set<number>();
    const fetch = async (page: number, size: number, signal?: AbortSignal): Promise<ZiaFirewallFilteringRule[]> => {
      if (page === 1) seen.clear();
      const rules = await this.client.firewallFilteringRules(page, size, signal);
      const fresh = rules.filter((r) => !seen.has(r.id));
      for (const r of fresh) seen.add(r.id);
      return fresh;
    };
    const map = async (items: ZiaFirewallFilteringRule[]): Promise<PolicyRecord[]> => items.map(mapFirewallFilteringRule);
    return stream('zia-firewall-filtering-rules', 'policy', barePages<'policy', ZiaFirewallFilteringRule>(fetch, map, this.settings.ziaPageSize));
  }

  /** ZPA pages: the same page size throughout, every page up to `totalPages`; `totalCount` is ignored. */
  private zpaStream<T>(name: string, path: string, map: (item: T) => PolicyRecord): StreamSpec<'policy'> {
    const client = this.client;
    const size = this.settings.zpaPageSize;
    return stream(name, 'policy', async function* (cursor, signal) {
      const c = readCursor(cursor, size);
      for (;;) {
        signal?.throwIfAborted();
        const { list, totalPages } = await client.zpaPage<T>(path, c.page, c.size, signal);
        const more = c.page < totalPages;
        yield { records: list.map(map), nextCursor: more ? nextCursor(c) : null };
        if (!more) return;
        c.page++;
      }
    });
  }

  async pushCompliance(deviceExternalId: string, state: ComplianceState, options: PushOptions = {}): Promise<PushResult> {
    return this.applyQuarantine(deviceExternalId, !state.isCompliant, { trigger: 'compliance', isCompliant: state.isCompliant, violations: state.violations }, options.deferActivation === true);
  }

  async pushRiskScore(deviceExternalId: string, state: RiskState, options: PushOptions = {}): Promise<PushResult> {
    const quarantine = this.settings.quarantineRiskLevels.includes(state.riskLevel);
    return this.applyQuarantine(deviceExternalId, quarantine, { trigger: 'risk', riskLevel: state.riskLevel, totalRiskScore: state.totalRiskScore }, options.deferActivation === true);
  }

  /**
   * One activation for every ZIA change staged so far (by any number of deferred pushes), then
   * `/status` polled until ACTIVE; an edit lock backs off. It holds the tenant's write lock (a
   * short lease) so no push of ours stages a change while it runs: a change staged mid-poll would
   * make `/status` read PENDING, and the activation would look unsettled.
   */
  async activateStaged(): Promise<ActivationResult> {
    return this.client.withWriteLock(() => this.client.activate());
  }

  /**
   * No Zscaler API takes a trust score. What moves access is the device user's membership of the
   * ZIA quarantine group (rules scoped to it then apply), activated, plus optionally a ZCC removal.
   */
  private async applyQuarantine(udid: string, quarantine: boolean, why: Record<string, unknown>, deferActivation: boolean): Promise<PushResult> {
    const s = this.settings;
    const summary: Record<string, unknown> = { device: udid, quarantine, ...why };
    const zccAction = quarantine ? s.zccActionOnNonCompliant : 'none';
    if (s.pushMode === 'none' && zccAction === 'none') return { vendorReference: null, summary: { ...summary, changed: false, note: 'pushMode is none: nothing sent to Zscaler' } };
    const owner = await this.client.zccDeviceOwner(udid);
    if (!owner) throw new ConnectorError('not_found', VENDOR, `Client Connector knows no user for device ${udid}`);
    summary.user = owner.user;
    let vendorReference: string | null = null;
    let awaitsActivation = false;
    if (s.pushMode === 'quarantine_group') {
      const zia = await this.client.withWriteLock(() => this.moveUser(owner.user, quarantine, deferActivation));
      vendorReference = `zia-user:${zia.ziaUserId}`;
      awaitsActivation = zia.activation === 'deferred';
      Object.assign(summary, zia);
    }
    if (zccAction !== 'none') {
      const removal = await this.client.zccRemove(zccAction === 'force_remove', udid, owner.user, owner.type);
      summary.zcc = { action: zccAction, ...removal };
    }
    summary.changed = summary.groupChange === 'added' || summary.groupChange === 'removed' || summary.zcc !== undefined;
    return { vendorReference, summary, ...(awaitsActivation ? { awaitsActivation } : {}) };
  }

  /**
   * Stages the user's new group list. Deferred, even an unchanged membership awaits the batch's
   * activation: ZIA reads show staged changes, so "already a member" may be a change not yet active.
   */
  private async moveUser(email: string, quarantine: boolean, deferActivation: boolean): Promise<Record<string, unknown>> {
    const s = this.settings;
    const user = await this.client.findUserByEmail(email);
    if (!user) throw new ConnectorError('not_found', VENDOR, `ZIA has no user ${email}`);
    const group = s.quarantineGroupId ? { id: s.quarantineGroupId, name: s.quarantineGroupName } : await this.client.findGroup(s.quarantineGroupName);
    if (!group) throw new ConnectorError('rejected', VENDOR, `ZIA has no group named ${s.quarantineGroupName}`);
    const groups = user.groups ?? [];
    const member = groups.some((g) => g.id === group.id);
    const base = { ziaUserId: user.id, group: group.name };
    if (member === quarantine) return { ...base, groupChange: 'unchanged', activation: deferActivation ? 'deferred' : 'not_needed' };
    const next = quarantine ? [...groups, { id: group.id, name: group.name }] : groups.filter((g) => g.id !== group.id);
    await this.client.putUser({ ...user, groups: next });
    if (deferActivation) return { ...base, groupChange: quarantine ? 'added' : 'removed', activation: 'deferred' };
    const activation = await this.client.activate();
    return { ...base, groupChange: quarantine ? 'added' : 'removed', activation: activation.settled ? 'active' : 'pending_activation', activationStatus: activation.status };
  }

  async runCommand(deviceExternalId: string, req: CommandRequest): Promise<CommandResult> {
    if (!(ZSCALER_COMMANDS as readonly string[]).includes(req.command)) throw new ConnectorError('unsupported', VENDOR, `unknown Zscaler command ${req.command}`);
    const command = req.command as ZscalerCommand;
    const owner = await this.client.zccDeviceOwner(deviceExternalId);
    if (!owner) throw new ConnectorError('not_found', VENDOR, `Client Connector knows no user for device ${deviceExternalId}`);
    const removal = await this.client.zccRemove(command === 'force_remove_device', deviceExternalId, owner.user, owner.type);
    return {
      status: removal.devicesRemoved > 0 ? 'completed' : 'failed',
      vendorReference: null,
      detail: { devicesRemoved: removal.devicesRemoved },
      message: removal.errorMsg,
    };
  }
}
