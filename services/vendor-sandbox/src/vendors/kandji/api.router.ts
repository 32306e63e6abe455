import express, { type Request, type Response, type Router } from 'express';
import type { Traffic } from '../../traffic';
import {
  PRISM_CATEGORIES,
  behavioralPayload,
  blueprintPayload,
  commandPayload,
  detailsPayload,
  devicePayload,
  isoMicros,
  prismRow,
  threatPayload,
  userPayload,
  type PrismCategory,
} from './payloads';
import type { KandjiTenant, SimDevice } from './tenant';

type Family = 'Mac' | 'iPad';

/** Device actions the simulator accepts: the MDM request type they queue and where they are allowed. */
const ACTIONS: Record<string, { requestType: string; only?: Family }> = {
  blankpush: { requestType: 'BlankPush' },
  updateinventory: { requestType: 'DeviceInformation' },
  restart: { requestType: 'RestartDevice' },
  shutdown: { requestType: 'ShutDownDevice' },
  lock: { requestType: 'DeviceLock' },
  erase: { requestType: 'EraseDevice' },
  renewmdmprofile: { requestType: 'InstallProfile' },
  setname: { requestType: 'Settings' },
  reinstallagent: { requestType: 'InstallEnterpriseApplication', only: 'Mac' },
  remotedesktop: { requestType: 'EnableRemoteDesktop', only: 'Mac' },
  unlockaccount: { requestType: 'UnlockUserAccount', only: 'Mac' },
  deleteuser: { requestType: 'DeleteUser', only: 'Mac' },
  clearpasscode: { requestType: 'ClearPasscode', only: 'iPad' },
  enablelostmode: { requestType: 'EnableLostMode', only: 'iPad' },
  disablelostmode: { requestType: 'DisableLostMode', only: 'iPad' },
  playlostmodesound: { requestType: 'PlayLostModeSound', only: 'iPad' },
  updatelocation: { requestType: 'DeviceLocation', only: 'iPad' },
};

/** What the Kandji router needs besides the tenant. */
export interface KandjiApiOptions {
  token: string;
  traffic: Traffic;
  /** Appends an audit event (the admin router shares the same log). */
  audit: (action: string, targetType: string, targetId: string, newState: Record<string, unknown>) => void;
  auditEvents: () => ReadonlyArray<Record<string, unknown>>;
}

function badRequest(res: Response, detail: string | Record<string, unknown>): void {
  res.status(400).json(typeof detail === 'string' ? { detail } : detail);
}

/** Reads `limit` (1..max, `fallback` when absent) and `offset` (≥ 0), answering 400 when invalid. */
function paging(req: Request, res: Response, max: number, fallback: number): { limit: number; offset: number } | undefined {
  const limit = req.query.limit === undefined ? fallback : Number(req.query.limit);
  const offset = req.query.offset === undefined ? 0 : Number(req.query.offset);
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    badRequest(res, { limit: [`Ensure this value is less than or equal to ${max}.`] });
    return undefined;
  }
  if (!Number.isInteger(offset) || offset < 0) {
    badRequest(res, { offset: ['A valid integer is required.'] });
    return undefined;
  }
  return { limit, offset };
}

/** The request's own URL with some query values replaced: `next`/`previous` links are full URLs. */
function selfUrl(req: Request, replace: Record<string, string | number>): string {
  const url = new URL(`${req.protocol}://${req.get('host')}${req.originalUrl}`);
  for (const [k, v] of Object.entries(replace)) url.searchParams.set(k, String(v));
  return url.toString();
}

function drfLinks(req: Request, offset: number, limit: number, total: number): { next: string | null; previous: string | null } {
  return {
    next: offset + limit < total ? selfUrl(req, { offset: offset + limit, limit }) : null,
    previous: offset > 0 ? selfUrl(req, { offset: Math.max(0, offset - limit), limit }) : null,
  };
}

function encodeCursor(position: number): string {
  return Buffer.from(`p=${position}`).toString('base64');
}

function decodeCursor(cursor: unknown): number | undefined {
  if (cursor === undefined) return 0;
  const m = /^p=(\d+)$/.exec(Buffer.from(String(cursor), 'base64').toString('utf8'));
  return m ? Number(m[1]) : undefined;
}

/** The Kandji API v1 as the simulator serves it under `/kandji`. */
export function kandjiApiRouter(t: KandjiTenant, opts: KandjiApiOptions): Router {
  const router = express.Router();
  router.use(express.json({ limit: '256kb' }));

  router.use((req, res, next) => {
    if (req.get('authorization') === `Bearer ${opts.token}`) return next();
    opts.traffic.stats.unauthorized++;
    res.status(401).json({ detail: 'Invalid token. The token is incorrect, was revoked, or has expired.' });
  });

  const withDevice = (handler: (req: Request, res: Response, d: SimDevice) => void) => (req: Request, res: Response) => {
    const d = t.byId(String(req.params.id));
    if (!d) return void res.status(404).json({ detail: 'Not found.' });
    handler(req, res, d);
  };

  router.get('/api/v1/devices', (req, res) => {
    const p = paging(req, res, 300, 300);
    if (!p) return;
    const total = t.deviceCount;
    const { next, previous } = drfLinks(req, p.offset, p.limit, total);
    res.set({
      'X-Total-Count': String(total),
      'X-Total-Pages': String(Math.ceil(total / p.limit)),
      // Kandji writes a missing link as the literal <None>.
      Link: `<${next ?? 'None'}>; rel="next", <${previous ?? 'None'}>; rel="prev"`,
    });
    res.json(t.page(p.offset, p.limit).map(devicePayload));
  });

  router.get('/api/v1/devices/:id', withDevice((_req, res, d) => void res.json(devicePayload(d))));
  router.get('/api/v1/devices/:id/details', withDevice((_req, res, d) => void res.json(detailsPayload(d))));

  router.get(
    '/api/v1/devices/:id/commands',
    withDevice((req, res, d) => {
      const p = paging(req, res, 300, 300);
      if (!p) return;
      const mine = t.commands.filter((c) => c.deviceIndex === d.index);
      const now = Date.now();
      res.json({
        device_id: d.id,
        commands: { count: mine.length, ...drfLinks(req, p.offset, p.limit, mine.length), results: mine.slice(p.offset, p.offset + p.limit).map((c) => commandPayload(t, c, now)) },
      });
    }),
  );

  router.post(
    '/api/v1/devices/:id/action/:verb',
    withDevice((req, res, d) => {
      const verb = String(req.params.verb);
      const spec = ACTIONS[verb];
      if (!spec) return void res.status(404).json({ detail: 'Not found.' });
      const body: Record<string, unknown> = req.body && typeof req.body === 'object' ? req.body : {};
      if (spec.only && spec.only !== d.fleet.platform) return badRequest(res, 'Command is not allowed for current device');
      if (verb === 'lock' && d.locked) return badRequest(res, 'This device is already locked.');
      if (t.commands.some((c) => c.deviceIndex === d.index && c.verb === verb && t.isPending(c))) return badRequest(res, 'Command already running');
      if (verb === 'setname' && (typeof body.DeviceName !== 'string' || !body.DeviceName)) return badRequest(res, { DeviceName: ['This field is required.'] });
      if (verb === 'remotedesktop' && typeof body.EnableRemoteDesktop !== 'boolean') return badRequest(res, { EnableRemoteDesktop: ['This field is required.'] });
      if (verb === 'unlockaccount' && (typeof body.UserName !== 'string' || !body.UserName)) return badRequest(res, { UserName: ['This field is required.'] });
      const requestType = verb === 'remotedesktop' && body.EnableRemoteDesktop === false ? 'DisableRemoteDesktop' : spec.requestType;
      t.addCommand(d, verb, requestType, body);
      opts.audit(verb, 'device', d.id, { command: requestType });
      if (verb === 'lock') t.setLocked(d.index, true);
      if (verb === 'setname') t.rename(d.index, String(body.DeviceName));
      if (verb === 'enablelostmode') t.setLostMode(d.index, true);
      if (verb === 'disablelostmode') t.setLostMode(d.index, false);
      if (verb === 'lock' && d.fleet.platform === 'Mac') return void res.json({ PIN: '123456' });
      res.status(200).end();
    }),
  );

  router.get('/api/v1/blueprints', (req, res) => {
    const p = paging(req, res, 300, 300);
    if (!p) return;
    const counts = t.scan().blueprintCounts;
    const all = t.blueprints;
    res.json({ count: all.length, ...drfLinks(req, p.offset, p.limit, all.length), results: all.slice(p.offset, p.offset + p.limit).map((b) => blueprintPayload(b, counts[b.index])) });
  });

  router.get('/api/v1/users', (req, res) => {
    const p = paging(req, res, 300, 300);
    const start = decodeCursor(req.query.cursor);
    if (!p) return;
    if (start === undefined) return badRequest(res, 'Invalid cursor');
    const end = Math.min(t.people, start + p.limit);
    const results = [];
    for (let j = start; j < end; j++) results.push(userPayload(t, j));
    res.json({
      next: end < t.people ? selfUrl(req, { cursor: encodeCursor(end) }) : null,
      previous: start > 0 ? selfUrl(req, { cursor: encodeCursor(Math.max(0, start - p.limit)) }) : null,
      results,
    });
  });

  router.get('/api/v1/prism/:category', (req, res) => {
    const category = String(req.params.category) as PrismCategory;
    if (!PRISM_CATEGORIES.includes(category)) return void res.status(404).json({ detail: 'Not found.' });
    const p = paging(req, res, 300, 300);
    if (!p) return;
    const macs = t.scan().macs;
    const data = Array.from(macs.subarray(p.offset, p.offset + p.limit), (i) => prismRow(t, t.device(i), category));
    const more = p.offset + p.limit < macs.length;
    res.json({ cursor: more ? encodeCursor(p.offset + p.limit) : null, data, limit: p.limit, offset: p.offset, total: null });
  });

  /** The threat endpoints page (limit ≤ 1000) over the devices the tenant scan flagged. */
  const flagged = (req: Request, res: Response, indexes: number[], build: (d: SimDevice) => Record<string, unknown>) => {
    const p = paging(req, res, 1000, 100);
    if (!p) return undefined;
    const all = indexes.map((i) => build(t.device(i)));
    return { all, results: all.slice(p.offset, p.offset + p.limit), ...drfLinks(req, p.offset, p.limit, all.length) };
  };

  router.get('/api/v1/behavioral-detections', (req, res) => {
    const page = flagged(req, res, t.scan().behavioral, (d) => behavioralPayload(t, d));
    if (!page) return;
    const malicious = page.all.filter((b) => b.classification === 'malicious').length;
    res.json({ malicious_count: malicious, next: page.next, previous: page.previous, results: page.results, suspicious_count: page.all.length - malicious, total_count: page.all.length });
  });

  router.get('/api/v1/threat-details', (req, res) => {
    const page = flagged(req, res, t.scan().threats, (d) => threatPayload(t, d));
    if (!page) return;
    const malware = page.all.filter((x) => x.classification === 'MALWARE').length;
    res.json({ count: page.all.length, malware_count: malware, next: page.next, previous: page.previous, pup_count: page.all.length - malware, results: page.results });
  });

  router.get('/api/v1/audit/events', (req, res) => {
    const limit = Number(req.query.limit);
    const sortBy = String(req.query.sort_by ?? '');
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) return badRequest(res, { limit: ['This field is required and must be at most 500.'] });
    if (!['occurred_at', '-occurred_at', 'id'].includes(sortBy)) return badRequest(res, { sort_by: ['This field is required.'] });
    const start = decodeCursor(req.query.cursor);
    if (start === undefined) return badRequest(res, 'Invalid cursor');
    const events = [...opts.auditEvents()];
    if (sortBy === '-occurred_at') events.reverse();
    const end = Math.min(events.length, start + limit);
    res.json({ next: end < events.length ? selfUrl(req, { cursor: encodeCursor(end) }) : null, previous: null, results: events.slice(start, end) });
  });

  router.get('/api/v1/settings/licensing', (_req, res) => {
    const scan = t.scan();
    res.json({
      counts: { computers_count: scan.macs.length, ios_count: 0, ipad_count: scan.ipads, tvos_count: 0 },
      limits: { plan_type: 'Automated Device Enrollment', max_devices: Math.max(100, t.size * 2) },
      tenantOverLicenseLimit: false,
      checked_at: isoMicros(Date.now()),
    });
  });

  router.use((_req, res) => void res.status(404).json({ detail: 'Not found.' }));
  return router;
}
