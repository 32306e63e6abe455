import express, { type Request, type Response, type Router } from 'express';
import type { ZscalerAuth } from './auth';
import { QUARANTINE_GROUP, type ZscalerTenant } from './tenant';

/** Faults specific to Zscaler that tests arm through the admin API. */
export interface ZscalerFaults {
  /** The next N ZIA writes answer 409 EDIT_LOCK_NOT_AVAILABLE. */
  editLock: number;
  /** After an activation, `/status` reports INPROGRESS this many times. */
  activationInProgressPolls: number;
  /** How ZPA sends `totalPages` (it is a string on most endpoints, a number on some). */
  zpaTotalPagesAs: 'string' | 'number';
  /** ZPA's `totalCount` reads "0" while `list` has items, as recorded once. */
  zpaTotalCountZero: boolean;
}

function intParam(v: unknown, fallback: number): number {
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

function range(count: number, page: number, size: number): number[] {
  const out: number[] = [];
  for (let i = (page - 1) * size; i < Math.min(count, page * size); i++) out.push(i);
  return out;
}

/** ZIA's bare-array paging: `page` from 1, `pageSize` up to 10,000, `search` on name or email. */
function ziaList(req: Request, count: number, item: (i: number) => Record<string, unknown>): Array<Record<string, unknown>> {
  const page = intParam(req.query.page, 1);
  const size = Math.min(intParam(req.query.pageSize, 100), 10_000);
  const search = typeof req.query.search === 'string' ? req.query.search.toLowerCase() : '';
  if (!search) return range(count, page, size).map(item);
  const hits: Array<Record<string, unknown>> = [];
  for (let i = 0; i < count; i++) {
    const it = item(i);
    if (String(it.name ?? '').toLowerCase().includes(search) || String(it.email ?? '').toLowerCase().includes(search)) hits.push(it);
  }
  return hits.slice((page - 1) * size, page * size);
}

/** The ZIA API, mounted under `/api/v1` (session cookie) and `/zia/api/v1` (OneAPI bearer). */
export function ziaRouter(t: ZscalerTenant, faults: ZscalerFaults): Router {
  const r = express.Router();
  const locked = (res: Response): boolean => {
    if (faults.editLock <= 0) return false;
    faults.editLock--;
    res.status(409).json({ code: 'EDIT_LOCK_NOT_AVAILABLE' });
    return true;
  };
  let inProgress = 0;

  r.get('/users', (req, res) => void res.json(ziaList(req, t.userCount, (j) => t.user(j))));
  r.get('/users/:id', (req, res) => {
    const j = t.userIndex(Number(req.params.id));
    if (j === undefined) return void res.status(404).json({ code: 'RESOURCE_NOT_FOUND', message: 'Resource not found' });
    res.json(t.user(j));
  });
  r.put('/users/:id', (req, res) => {
    if (locked(res)) return;
    const id = Number(req.params.id);
    const j = t.userIndex(id);
    if (j === undefined) return void res.status(404).json({ code: 'RESOURCE_NOT_FOUND', message: 'Resource not found' });
    const body = req.body as { groups?: Array<{ id: number; name?: string }>; email?: string } | undefined;
    // ZIA's PUT replaces the whole user: a body without the identity fields is refused.
    if (!body || body.email !== t.user(j).email || !Array.isArray(body.groups)) return void res.status(400).json({ code: 'INVALID_INPUT_ARGUMENT', message: 'full user object required' });
    const known = new Map(t.groups.map((g) => [g.id, g]));
    if (body.groups.some((g) => !known.has(g.id))) return void res.status(400).json({ code: 'INVALID_INPUT_ARGUMENT', message: 'unknown group' });
    t.writes++;
    t.stageUserGroups(id, body.groups.map((g) => known.get(g.id)!));
    res.json(t.user(j));
  });
  r.get('/groups', (req, res) => void res.json(ziaList(req, t.groups.length, (k) => ({ ...t.groups[k], ...(t.groups[k].id === QUARANTINE_GROUP.id ? { comments: 'managed by integration platform' } : {}) }))));
  r.get('/departments', (req, res) => void res.json(ziaList(req, t.departments.length, (k) => t.departments[k])));
  r.get('/firewallFilteringRules', (req, res) => {
    const size = Math.min(intParam(req.query.pageSize, 1000), 10_000);
    res.json(range(t.opts.firewallRules, intParam(req.query.page, 1), size).map((k) => t.firewallRule(k)));
  });
  r.get('/urlFilteringRules', (_req, res) => void res.json(range(t.opts.urlRules, 1, t.opts.urlRules).map((k) => t.urlRule(k))));
  r.get('/status', (_req, res) => {
    if (inProgress > 0) {
      inProgress--;
      return void res.json({ status: 'INPROGRESS' });
    }
    res.json({ status: t.staged.length ? 'PENDING' : 'ACTIVE' });
  });
  r.post('/status/activate', (_req, res) => {
    if (locked(res)) return;
    t.activationRequests++;
    t.activate();
    inProgress = faults.activationInProgressPolls;
    res.json({ status: inProgress > 0 ? 'INPROGRESS' : 'ACTIVE' });
  });
  return r;
}

/** The ZPA management API for one customer; `pagesize` is lowercase, numbers are strings. */
export function zpaRouter(t: ZscalerTenant, faults: ZscalerFaults, customerId: string): Router {
  const r = express.Router({ mergeParams: true });
  r.use((req, res, next) => {
    if ((req.params as Record<string, string>).customerId !== customerId) return void res.status(404).json({ id: 'resource.not.found', reason: 'Customer not found' });
    next();
  });
  const page = (req: Request, res: Response, count: number, item: (k: number) => Record<string, unknown>): void => {
    const p = intParam(req.query.page, 1);
    const size = Math.min(intParam(req.query.pagesize, 20), 500);
    const totalPages = Math.ceil(count / size);
    const shown = (n: number): string | number => (faults.zpaTotalPagesAs === 'number' ? n : String(n));
    const body: Record<string, unknown> = { totalPages: shown(totalPages), totalCount: faults.zpaTotalCountZero ? '0' : String(count) };
    // Past the last page ZPA leaves the list key out.
    if (p <= totalPages) body.list = range(count, p, size).map(item);
    res.json(body);
  };
  r.get('/application', (req, res) => page(req, res, t.opts.segments, (k) => t.segment(k)));
  r.get('/policySet/policyType/ACCESS_POLICY', (_req, res) => void res.json({ id: '216196257331281925', name: 'Global_Policy', enabled: true, policyType: '1', sorted: true }));
  r.get('/policySet/rules/policyType/ACCESS_POLICY', (req, res) => page(req, res, t.opts.accessRules, (k) => t.accessRule(k)));
  return r;
}

/** The Client Connector public API: bare-array device pages, details, removals. */
export function zccRouter(t: ZscalerTenant): Router {
  const r = express.Router();
  r.get('/getDevices', (req, res) => {
    const size = Math.min(intParam(req.query.pageSize, 50), 5000);
    res.json(range(t.opts.devices, intParam(req.query.page, 1), size).map((i) => t.device(i)));
  });
  r.get('/getDeviceDetails', (req, res) => {
    const i = typeof req.query.udid === 'string' ? t.deviceIndex(req.query.udid) : undefined;
    if (i === undefined) return void res.status(400).json({ errorMsg: 'udid is required and must name a device' });
    res.json(t.details(i));
  });
  const remove = (forced: boolean) => (req: Request, res: Response) => {
    const body = (req.body ?? {}) as { udids?: string[]; username?: string; userName?: string };
    const user = forced ? body.userName : body.username;
    const hits = (body.udids ?? []).map((u) => t.deviceIndex(u)).filter((i): i is number => i !== undefined && t.device(i).user === user && t.registration(i) !== 'Removed');
    if (!hits.length) return void res.status(forced ? 400 : 200).json(forced ? { devicesRemoved: 0, errorMsg: 'No devices to delete' } : { devicesRemoved: 0 });
    for (const i of hits) t.remove(i, forced, user!);
    res.json({ devicesRemoved: hits.length });
  };
  r.post('/removeDevices', remove(false));
  r.post('/forceRemoveDevices', remove(true));
  return r;
}

/** Every Zscaler route: the three legacy logins and APIs, the ZIdentity token and the OneAPI gateway paths. */
export function zscalerApiRouter(t: ZscalerTenant, auth: ZscalerAuth, faults: ZscalerFaults): Router {
  const r = express.Router();
  r.use(express.json(), express.urlencoded({ extended: false }));
  const c = auth.creds;
  const zia = ziaRouter(t, faults);
  const zpa = zpaRouter(t, faults, c.zpaCustomerId);
  const zcc = zccRouter(t);

  r.post('/api/v1/authenticatedSession', (req, res) => {
    const id = auth.ziaLogin((req.body ?? {}) as Record<string, unknown>);
    if (!id) return void res.status(401).json({ code: 'AUTHENTICATION_FAILED', message: 'AUTHENTICATION_FAILED' });
    res.set('Set-Cookie', `JSESSIONID=${id}; Path=/; Secure; HttpOnly; SameSite=None`).set('x-zscaler-mode', 'read-write');
    res.json({ authType: 'ADMIN_LOGIN', obfuscateApiKey: false, passwordExpiryTime: 0, passwordExpiryDays: 0 });
  });
  r.delete('/api/v1/authenticatedSession', (req, res) => {
    // Ending a session activates what it staged, which the vendor SDK relies on.
    t.activate();
    auth.logout(/JSESSIONID=([^;\s]+)/.exec(req.get('cookie') ?? '')?.[1]);
    res.status(204).end();
  });
  r.post('/signin', (req, res) => {
    const b = (req.body ?? {}) as Record<string, string>;
    if (b.client_id !== c.zpaClientId || b.client_secret !== c.zpaClientSecret) return void res.status(401).json({ id: 'authentication.failed', reason: 'Invalid client credentials' });
    const { token, expiresInSeconds } = auth.issue('zpa');
    res.json({ token_type: 'Bearer', access_token: token, expires_in: String(expiresInSeconds) });
  });
  r.post('/papi/auth/v1/login', (req, res) => {
    const b = (req.body ?? {}) as Record<string, string>;
    if (b.apiKey !== c.zccApiKey || b.secretKey !== c.zccSecretKey) return void res.status(401).json({ errorMsg: 'Invalid apiKey or secretKey' });
    // The JWT's payload carries the expiry the client reads; the signature part is random.
    const { token } = auth.issue('zcc', (raw, seconds) => `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify({ exp: Math.floor(Date.now() / 1000) + seconds })).toString('base64url')}.${raw}`);
    res.json({ jwtToken: token });
  });
  r.post('/oauth2/v1/token', (req, res) => {
    const b = (req.body ?? {}) as Record<string, string>;
    if (b.grant_type !== 'client_credentials' || b.audience !== 'https://api.zscaler.com') return void res.status(400).json({ error: 'invalid_request' });
    if (b.client_id !== c.oneApiClientId || b.client_secret !== c.oneApiClientSecret) return void res.status(401).json({ error: 'invalid_client' });
    const { token, expiresInSeconds } = auth.issue('oneapi');
    res.json({ access_token: token, token_type: 'Bearer', expires_in: expiresInSeconds });
  });

  r.use('/api/v1', auth.guard('zia-session'), zia);
  r.use('/mgmtconfig/v1/admin/customers/:customerId', auth.guard('zpa'), zpa);
  r.use('/papi/public/v1', auth.guard('zcc'), zcc);
  r.use('/zia/api/v1', auth.guard('oneapi'), zia);
  r.use('/zpa/mgmtconfig/v1/admin/customers/:customerId', auth.guard('oneapi'), zpa);
  r.use('/zcc/papi/public/v1', auth.guard('oneapi'), zcc);
  return r;
}
