import {
  ConnectorError,
  wantsEntity,
  type CommandRequest,
  type CommandResult,
  type ConnectionTestResult,
  type Connector,
  type ConnectorContext,
  type Page,
  type StreamEntity,
  type StreamRecord,
  type StreamRequest,
  type StreamSpec,
} from '../core';
import type { KandjiCommand } from './api-types';
import { KandjiClient, kandjiToken } from './client';
import { buildKandjiAction, requestTypesOf } from './commands';
import { kandjiManifest } from './manifest';
import {
  PRISM_POSTURE_CATEGORIES,
  mapBehavioralDetection,
  mapBlueprint,
  mapCommandStatus,
  mapDevice,
  mapThreatDetail,
  mapUser,
  mergePosture,
  type PrismPostureCategory,
} from './mappers';
import { kandjiBaseUrl, parseKandjiSettings } from './settings';

/** Kandji's page limits: devices, blueprints and Prism allow 300; the threat endpoints 1000. */
export const KANDJI_PAGE_LIMITS = { devices: 300, blueprints: 300, prism: 300, detections: 1000 } as const;

/**
 * Offsets of the two long streams (devices, Prism) requested at once. Two keep the vendor busy
 * while the previous page is parsed; it costs one request past the end of each stream.
 */
const OFFSETS_IN_FLIGHT = 2;

// A command listed up to this long before we sent ours (clock skew) may still be ours.
const COMMAND_MATCH_SKEW_MS = 5 * 60_000;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One loaded offset: its records and whether a further offset may hold more. */
interface OffsetLoad<R> {
  records: R[];
  more: boolean;
}

/**
 * Pages through a limit/offset source from `start`. Each page's cursor is the next offset,
 * written as `${prefix}${offset}`; the last page carries `done` (null, or the next sub-source).
 *
 * `inFlight` offsets are requested at once (each still through the rate gate): while one page
 * is parsed and handed on, the next is already being served, instead of the vendor and this
 * process taking turns. Only a short page ends the stream, so up to `inFlight - 1` requests past
 * the end are made and their answers (or errors) dropped.
 */
async function* offsetPages<R>(
  start: number,
  step: number,
  load: (offset: number) => Promise<OffsetLoad<R>>,
  prefix = '',
  done: string | null = null,
  inFlight = 1,
): AsyncGenerator<{ records: R[]; nextCursor: string | null }> {
  const pending: Array<Promise<OffsetLoad<R>>> = [];
  let requested = start;
  const request = (): void => {
    const loading = load(requested);
    loading.catch(() => undefined);
    pending.push(loading);
    requested += step;
  };
  for (let i = 0; i < Math.max(1, inFlight); i++) request();
  for (let offset = start; ; offset += step) {
    const { records, more } = await pending.shift()!;
    if (!more) {
      yield { records, nextCursor: done };
      return;
    }
    request();
    yield { records, nextCursor: `${prefix}${offset + step}` };
  }
}

function offsetCursor(cursor: string | null, prefix = ''): number {
  if (cursor === null) return 0;
  const raw = cursor.slice(prefix.length);
  if (!cursor.startsWith(prefix) || !/^\d+$/.test(raw)) throw new ConnectorError('rejected', 'kandji', `not a Kandji cursor: ${cursor}`);
  return Number(raw);
}

function stream<E extends StreamEntity>(name: string, entity: E, complete: boolean, pages: (cursor: string | null, signal?: AbortSignal) => AsyncGenerator<Page<E>>): StreamSpec<E> {
  return { name, entity, complete, pages };
}

/** The Kandji connector: five pull streams, device actions and a connection test. */
export class KandjiConnector implements Connector {
  readonly manifest = kandjiManifest;
  private readonly client: KandjiClient;

  constructor(private readonly ctx: ConnectorContext) {
    const settings = parseKandjiSettings(ctx.integration.settings);
    const baseUrl = kandjiBaseUrl({
      endpoint: ctx.integration.endpoint,
      subdomain: settings.subdomain,
      region: settings.region || (ctx.integration.region === 'eu' ? 'eu' : 'us'),
      hostFamily: settings.host_family,
    });
    this.client = new KandjiClient(baseUrl, kandjiToken(ctx.credentials), ctx);
  }

  async testConnection(): Promise<ConnectionTestResult> {
    const devices = await this.client.listDevices(0, 1);
    return { ok: true, details: { base_url: this.client.baseUrl, sample_devices: devices.length } };
  }

  streams(req: StreamRequest): StreamSpec[] {
    const all: StreamSpec[] = [
      stream('policies', 'policy', true, (c, s) => this.policyPages(c, s)),
      stream('devices', 'device', true, (c, s) => this.devicePages(c, s)),
      stream('device_posture', 'device_posture', false, (c, s) => this.posturePages(c, s)),
      stream('users', 'user', true, (c, s) => this.userPages(c, s)),
      stream('detections', 'detection', false, (c, s) => this.detectionPages(c, s)),
    ];
    return all.filter((spec) => wantsEntity(req.syncType, spec.entity));
  }

  async runCommand(deviceExternalId: string, req: CommandRequest): Promise<CommandResult> {
    const action = buildKandjiAction(req.command, req.params ?? {});
    const sentAt = this.ctx.now();
    const answer = await this.client.sendAction(deviceExternalId, action);
    // A blank push queues no MDM command: there is nothing to poll.
    if (action.requestTypes.length === 0) return { status: 'completed', vendorReference: action.verb, detail: {} };
    const listed = await this.findCommand(deviceExternalId, action.requestTypes, sentAt);
    return { status: 'pending', vendorReference: listed?.uuid ?? action.verb, detail: answer.PIN ? { pin: answer.PIN } : {} };
  }

  async commandStatus(deviceExternalId: string, vendorReference: string): Promise<CommandResult> {
    const commands = await this.client.listCommands(deviceExternalId);
    if (UUID_PATTERN.test(vendorReference)) {
      const command = commands.find((c) => c.uuid.toLowerCase() === vendorReference.toLowerCase());
      return command ? mapCommandStatus(command) : { status: 'failed', vendorReference, message: 'Kandji no longer lists this command' };
    }
    const newest = newestOfType(commands, requestTypesOf(vendorReference));
    return newest ? mapCommandStatus(newest) : { status: 'pending', vendorReference, message: 'Kandji lists no such command yet' };
  }

  /** The uuid of the command an action created; the action's answer carries none. Best effort. */
  private async findCommand(deviceId: string, requestTypes: readonly string[], sentAt: Date): Promise<KandjiCommand | undefined> {
    try {
      const earliest = sentAt.getTime() - COMMAND_MATCH_SKEW_MS;
      const recent = (await this.client.listCommands(deviceId)).filter((c) => Date.parse(c.date_requested ?? '') >= earliest);
      return newestOfType(recent, requestTypes);
    } catch (err) {
      // The action was accepted; a failed look-up only costs the uuid.
      this.ctx.logger.warn('kandji command lookup failed', { err, device: deviceId });
      return undefined;
    }
  }

  private async *policyPages(cursor: string | null, signal?: AbortSignal): AsyncGenerator<Page<'policy'>> {
    const limit = KANDJI_PAGE_LIMITS.blueprints;
    yield* offsetPages(offsetCursor(cursor), limit, async (offset) => {
      const page = await this.client.listBlueprints(offset, limit, signal);
      return { records: page.results.map(mapBlueprint), more: page.next !== null && page.results.length === limit };
    });
  }

  private async *devicePages(cursor: string | null, signal?: AbortSignal): AsyncGenerator<Page<'device'>> {
    const limit = KANDJI_PAGE_LIMITS.devices;
    // Only the page length ends the loop: Link and X-Total-Count are not reliable.
    yield* offsetPages(
      offsetCursor(cursor),
      limit,
      async (offset) => {
        const page = await this.client.listDevices(offset, limit, signal);
        return { records: page.map(mapDevice), more: page.length === limit };
      },
      '',
      null,
      OFFSETS_IN_FLIGHT,
    );
  }

  private async *posturePages(cursor: string | null, signal?: AbortSignal): AsyncGenerator<Page<'device_posture'>> {
    const limit = KANDJI_PAGE_LIMITS.prism;
    yield* offsetPages(
      offsetCursor(cursor),
      limit,
      async (offset) => {
        const pages = await Promise.all(PRISM_POSTURE_CATEGORIES.map(({ category }) => this.client.listPrism(category, offset, limit, signal)));
        const rows = Object.fromEntries(PRISM_POSTURE_CATEGORIES.map(({ category }, i) => [category, pages[i].data])) as Record<PrismPostureCategory, (typeof pages)[number]['data']>;
        return { records: mergePosture(rows), more: pages.some((p) => p.data.length === limit) };
      },
      '',
      null,
      OFFSETS_IN_FLIGHT,
    );
  }

  private async *userPages(cursor: string | null, signal?: AbortSignal): AsyncGenerator<Page<'user'>> {
    let next = cursor;
    do {
      const page = await this.client.listUsers(next, signal);
      if (page.next !== null && page.next === next) throw new ConnectorError('invalid_response', 'kandji', 'Kandji returned the same users cursor twice');
      next = page.next ?? null;
      yield { records: page.results.map(mapUser), nextCursor: next };
    } while (next !== null);
  }

  /** Behavioural detections first (`bd:<offset>`), then threat details (`td:<offset>`). */
  private async *detectionPages(cursor: string | null, signal?: AbortSignal): AsyncGenerator<Page<'detection'>> {
    const limit = KANDJI_PAGE_LIMITS.detections;
    if (cursor === null || cursor.startsWith('bd:')) {
      yield* offsetPages(offsetCursor(cursor, 'bd:'), limit, async (offset): Promise<OffsetLoad<StreamRecord['detection']>> => {
        const page = await this.client.listBehavioralDetections(offset, limit, signal);
        return { records: page.results.map(mapBehavioralDetection), more: page.next !== null && page.results.length === limit };
      }, 'bd:', 'td:0');
      cursor = 'td:0';
    }
    yield* offsetPages(offsetCursor(cursor, 'td:'), limit, async (offset) => {
      const page = await this.client.listThreatDetails(offset, limit, signal);
      return { records: page.results.map(mapThreatDetail), more: page.next !== null && page.results.length === limit };
    }, 'td:');
  }
}

function newestOfType(commands: KandjiCommand[], requestTypes: readonly string[]): KandjiCommand | undefined {
  const matching = commands.filter((c) => requestTypes.includes(c.request_type ?? c.command_type ?? ''));
  return matching.sort((a, b) => Date.parse(b.date_requested ?? '') - Date.parse(a.date_requested ?? ''))[0];
}
