import { createHmac, randomBytes } from 'node:crypto';
import express, { type Response } from 'express';
import { Traffic } from '../../traffic';
import type { SandboxVendorFactory } from '../../sandbox-vendor';
import { hexId } from '../../fleet';
import { FalconTenant } from './falcon-tenant';

const REGIONS = ['us-1', 'us-2', 'eu-1', 'us-gov-1', 'us-gov-2'];
// [invented] Falcon does not document the scroll-expiry body; this is the shape the simulator uses.
const SCROLL_EXPIRED = 'scroll offset token expired or no longer valid';
const AFTER_EXPIRED = "Search context expired, 'after' key no longer valid";

type Cursor = { pos: number; issuedMs: number; key: string };

function envelope(res: Response, status: number, resources: unknown[] | null, extra: { pagination?: Record<string, unknown>; errors?: Array<Record<string, unknown>> } = {}): void {
  res.status(status).json({
    meta: { query_time: 0.01, ...(extra.pagination ? { pagination: extra.pagination } : {}), powered_by: 'sandbox-api', trace_id: randomBytes(16).toString('hex') },
    resources,
    errors: extra.errors ?? [],
  });
}

const failure = (res: Response, status: number, message: string) => envelope(res, status, null, { errors: [{ code: status, message }] });

function timestampFilter(filter: unknown, field: string): number | undefined {
  const m = typeof filter === 'string' ? new RegExp(`${field}:>=?'([^']+)'`).exec(filter) : null;
  return m ? Date.parse(m[1]) : undefined;
}

/**
 * CrowdStrike Falcon API simulator: OAuth2 client credentials (201, X-Cs-Region), regional clouds
 * with 308 redirects, the Falcon envelope, X-RateLimit-* headers with an epoch RetryAfter, host
 * scroll with expiring tokens, the 10,000 offset ceiling, hidden hosts, asynchronous containment,
 * prevention policies, v2 alerts with expiring `after` tokens, and Fusion webhook deliveries.
 */
export const crowdstrikeSandbox: SandboxVendorFactory = (seed) => {
  const opts = seed as typeof seed & { clientId?: string; clientSecret?: string; region?: string; tokenTtlSeconds?: number; scrollTtlMs?: number; hiddenEvery?: number; alerts?: number; containmentDelayMs?: number };
  const clientId = opts.clientId ?? 'sandbox-falcon-client';
  const clientSecret = opts.clientSecret ?? 'sandbox-falcon-secret';
  const tenant = new FalconTenant({
    fleet: seed.fleet,
    hosts: seed.devices,
    people: seed.people,
    deviceOffset: seed.deviceOffset ?? 0,
    hiddenEvery: opts.hiddenEvery ?? 250,
    alerts: opts.alerts ?? 60,
    containmentDelayMs: opts.containmentDelayMs ?? 300,
    createdAtMs: seed.fleet.anchorMs,
  });
  const state = { region: opts.region ?? 'us-1', tokenTtlSeconds: opts.tokenTtlSeconds ?? 1799, scrollTtlMs: opts.scrollTtlMs ?? 120_000, cursorsValidFromMs: 0, redirects: 0 };
  const tokens = new Map<string, number>();
  const scrolls = new Map<string, Cursor>();
  const afters = new Map<string, Cursor>();
  const actions: Array<{ action: string; ids: string[]; atMs: number }> = [];

  const traffic = new Traffic((res, retryAfterMs) => {
    res.set({ 'x-ratelimit-limit': String(traffic.limit?.requests ?? 6000), 'x-ratelimit-remaining': '0', 'x-ratelimit-retryafter': String(Math.ceil((Date.now() + retryAfterMs) / 1000)) });
    failure(res, 429, 'API rate limit exceeded.');
  });

  const issue = (map: Map<string, Cursor>, pos: number, key: string): string => {
    const token = randomBytes(24).toString('base64');
    map.set(token, { pos, issuedMs: Date.now(), key });
    return token;
  };
  const live = (c: Cursor | undefined, ttlMs: number): c is Cursor => !!c && c.issuedMs >= state.cursorsValidFromMs && Date.now() - c.issuedMs < ttlMs;
  const regionPrefix = (region: string) => (region === 'us-1' ? '' : `/${region}`);

  function visible(filter: unknown): number[] {
    const since = timestampFilter(filter, 'modified_timestamp');
    return tenant.byId().filter((i) => !tenant.isHidden(i) && (since === undefined || tenant.modifiedMs(i) >= since));
  }

  function hostsById(ids: string[]): Array<Record<string, unknown>> {
    return ids.map((id) => tenant.hostIndex(id)).filter((i) => i >= 0).map((i) => tenant.host(i));
  }

  function router(): express.Router {
    const r = express.Router();
    r.use((req, res, next) => {
      res.set({ 'x-cs-traceid': randomBytes(16).toString('hex'), 'x-ratelimit-limit': String(traffic.limit?.requests ?? 6000), 'x-ratelimit-remaining': String(traffic.limit ? traffic.remaining() : 5999) });
      const first = req.path.split('/')[1];
      const region = REGIONS.includes(first) ? first : 'us-1';
      if (region !== 'us-1') req.url = req.url.slice(first.length + 1) || '/';
      res.locals.region = region;
      // Every commercial cloud issues a token; the API itself answers 308 towards the tenant's cloud.
      if (req.path !== '/oauth2/token' && region !== state.region) {
        state.redirects++;
        const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
        return void res.status(308).set('Location', `${req.protocol}://${req.get('host')}${req.baseUrl}${regionPrefix(state.region)}${req.path}${query}`).end();
      }
      next();
    });

    r.post('/oauth2/token', express.urlencoded({ extended: false }), (req, res) => {
      const body = req.body as Record<string, string>;
      res.set({ 'x-ratelimit-limit': '300', 'x-ratelimit-remaining': '299' });
      if (body.client_id !== clientId || body.client_secret !== clientSecret) {
        return failure(res, 403, 'Failed to issue access token - Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method)');
      }
      const token = randomBytes(32).toString('base64url');
      tokens.set(token, Date.now() + state.tokenTtlSeconds * 1000);
      res.status(201).set('X-Cs-Region', state.region).json({ access_token: token, token_type: 'bearer', expires_in: state.tokenTtlSeconds });
    });

    r.use((req, res, next) => {
      const token = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
      if (token && (tokens.get(token) ?? 0) > Date.now()) return next();
      traffic.stats.unauthorized++;
      res.set({ 'x-ratelimit-limit': '15', 'x-ratelimit-remaining': '14' });
      failure(res, 401, 'access denied, invalid bearer token');
    });
    r.use(express.json());

    r.get('/devices/queries/devices-scroll/v1', (req, res) => {
      const limit = Math.min(10_000, Math.max(1, Number(req.query.limit ?? 100)));
      const key = String(req.query.filter ?? '');
      let pos = 0;
      if (typeof req.query.offset === 'string' && req.query.offset !== '') {
        const c = scrolls.get(req.query.offset);
        if (!live(c, state.scrollTtlMs) || c.key !== key) return failure(res, 400, SCROLL_EXPIRED);
        pos = c.pos;
      }
      const all = visible(req.query.filter);
      if (pos >= all.length && pos > 0) return envelope(res, 200, [], { pagination: { total: 0, offset: '' } });
      const page = all.slice(pos, pos + limit).map((i) => tenant.hostId(i));
      envelope(res, 200, page, { pagination: { offset: issue(scrolls, pos + page.length, key), limit, total: all.length, expires_at: Date.now() + state.scrollTtlMs } });
    });

    r.get('/devices/queries/devices/v1', (req, res) => {
      const limit = Math.min(5000, Math.max(1, Number(req.query.limit ?? 100)));
      const offset = Number(req.query.offset ?? 0);
      if (offset + limit > 10_000) return failure(res, 400, `offset ${offset} and limit ${limit} are invalid; offset + limit must be less than or equal to 10000`);
      const all = visible(req.query.filter);
      envelope(res, 200, all.slice(offset, offset + limit).map((i) => tenant.hostId(i)), { pagination: { offset: offset + limit, limit, total: all.length } });
    });

    r.get('/devices/queries/devices-hidden/v1', (req, res) => {
      const limit = Math.min(5000, Math.max(1, Number(req.query.limit ?? 100)));
      const offset = Number(req.query.offset ?? 0);
      const all = tenant.byId().filter((i) => tenant.isHidden(i));
      envelope(res, 200, all.slice(offset, offset + limit).map((i) => tenant.hostId(i)), { pagination: { offset: offset + limit, limit, total: all.length } });
    });

    r.get('/devices/entities/devices/v2', (req, res) => {
      const raw = req.query.ids;
      const ids = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String);
      if (ids.length > 100) return failure(res, 400, 'request must contain between 0 and 100 ids');
      envelope(res, 200, hostsById(ids));
    });

    r.post('/devices/entities/devices/v2', (req, res) => {
      const ids = Array.isArray(req.body?.ids) ? (req.body.ids as unknown[]).map(String) : [];
      if (ids.length > 5000) return failure(res, 400, 'request must contain between 0 and 5000 ids');
      envelope(res, 200, hostsById(ids));
    });

    r.post('/devices/entities/devices-actions/v2', (req, res) => {
      const action = String(req.query.action_name ?? '');
      if (!['contain', 'lift_containment', 'hide_host', 'unhide_host'].includes(action)) return failure(res, 400, `invalid action_name ${action}`);
      const ids = Array.isArray(req.body?.ids) ? (req.body.ids as unknown[]).map(String) : [];
      const done: Array<{ id: string; path: string }> = [];
      const errors: Array<Record<string, unknown>> = [];
      for (const id of ids) {
        const i = tenant.hostIndex(id);
        if (i < 0) {
          errors.push({ code: 404, message: `Device ${id} not found`, id });
          continue;
        }
        if (action === 'contain' || action === 'lift_containment') tenant.containment.set(i, { target: action === 'contain' ? 'contained' : 'normal', atMs: Date.now() });
        else tenant.hidden.set(i, action === 'hide_host');
        done.push({ id, path: '' });
      }
      actions.push({ action, ids, atMs: Date.now() });
      envelope(res, done.length ? 202 : 400, done, { errors });
    });

    r.get('/policy/combined/prevention/v1', (req, res) => {
      const limit = Math.min(5000, Math.max(1, Number(req.query.limit ?? 100)));
      const offset = Number(req.query.offset ?? 0);
      const all = tenant.policies();
      envelope(res, 200, all.slice(offset, offset + limit), { pagination: { offset, limit, total: all.length } });
    });

    r.post('/alerts/combined/alerts/v1', (req, res) => {
      const body = (req.body ?? {}) as { filter?: string; sort?: string; limit?: number; after?: string };
      const limit = Math.min(1000, Math.max(1, Number(body.limit ?? 100)));
      const field = body.sort?.startsWith('updated_timestamp') ? 'updated_timestamp' : 'created_timestamp';
      const since = timestampFilter(body.filter, field) ?? 0;
      const key = `${body.filter ?? ''}|${body.sort ?? ''}`;
      let pos = 0;
      if (body.after) {
        const c = afters.get(body.after);
        // Falcon reports an expired `after` inside an HTTP 200.
        if (!live(c, 120_000) || c.key !== key) return envelope(res, 200, [], { errors: [{ code: 404, message: AFTER_EXPIRED }] });
        pos = c.pos;
      }
      const all = Array.from({ length: tenant.o.alerts }, (_, k) => k).filter((k) => tenant.alertCreatedMs(k) >= since);
      const page = all.slice(pos, pos + limit).map((k) => tenant.alert(k));
      const more = pos + page.length < all.length;
      envelope(res, 200, page, { pagination: { limit, total: all.length, ...(more ? { after: issue(afters, pos + page.length, key) } : {}) } });
    });

    return r;
  }

  function admin(): express.Router {
    const a = express.Router();
    a.post('/hosts/:index/hide', (req, res) => {
      tenant.hidden.set(Number(req.params.index), req.body?.hidden !== false);
      res.json({ id: tenant.hostId(Number(req.params.index)), hidden: tenant.isHidden(Number(req.params.index)) });
    });
    a.post('/region', (req, res) => {
      state.region = REGIONS.includes(req.body?.region) ? req.body.region : state.region;
      res.json({ region: state.region });
    });
    a.post('/expire-tokens', (_req, res) => {
      const expired = tokens.size;
      tokens.clear();
      res.json({ expired });
    });
    a.post('/expire-cursors', (_req, res) => {
      state.cursorsValidFromMs = Date.now() + 1;
      res.json({ ok: true });
    });
    a.get('/actions', (_req, res) => void res.json(actions));
    a.get('/hosts/:index', (req, res) => void res.json(tenant.host(Number(req.params.index))));
    a.post('/webhooks/send', async (req, res) => {
      const { url, secret, alertIndex = 0 } = (req.body ?? {}) as { url: string; secret: string; alertIndex?: number };
      const alert = tenant.alert(alertIndex);
      const link = `https://falcon.${state.region === 'us-1' ? '' : `${state.region}.`}crowdstrike.com/activity-v2/detections/${String(alert.composite_id)}`;
      const body = JSON.stringify({
        meta: { timestamp: workflowFiredSeconds(alertIndex), event_reference_url: link, trigger_name: 'New endpoint detection', trigger_category: 'Detections', workflow_id: workflowId, cid: tenant.cid },
        data: {
          'detections.agent_id': alert.agent_id,
          'detections.hostname': (alert.device as { hostname: string }).hostname,
          'detections.severity': alert.severity_name,
          'detections.tactic': alert.tactic,
          'detections.technique': alert.technique,
          'detections.composite_id': alert.composite_id,
          'detections.url': link,
        },
      });
      const timestamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      const signature = createHmac('sha256', secret).update(body + timestamp).digest('base64');
      const answer = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Cs-Delivery-Timestamp': timestamp, 'X-Cs-Primary-Signature': signature, 'X-Cs-Signature-Algorithm': 'hmac-sha256' }, body });
      res.json({ status: answer.status, compositeId: alert.composite_id });
    });
    return a;
  }
  // One "New endpoint detection" workflow per tenant, so its id is the seed's, not the process's.
  const workflowId = hexId(32, seed.fleet.seed, 'falcon-workflow');
  const firedMs = new Map<number, number>();
  /**
   * When the workflow ran for alert `k`: a listed alert when it was created; one past the listed
   * alerts is a new detection, which happens at its first delivery. Every later send of the same
   * alert is a re-delivery of that run (same `meta`), which a receiver must recognise.
   */
  function workflowFiredSeconds(k: number): number {
    if (k < tenant.o.alerts) return Math.floor(tenant.alertCreatedMs(k) / 1000);
    if (!firedMs.has(k)) firedMs.set(k, Date.now());
    return Math.floor(firedMs.get(k)! / 1000);
  }

  return {
    name: 'crowdstrike',
    traffic,
    router,
    admin,
    describe: () => {
      let hidden = 0;
      for (let i = 0; i < tenant.o.hosts; i++) if (tenant.isHidden(i)) hidden++;
      return {
        cid: tenant.cid,
        region: state.region,
        hosts: tenant.o.hosts,
        visibleHosts: tenant.o.hosts - hidden,
        hiddenHosts: hidden,
        policies: tenant.policies().length,
        alerts: tenant.o.alerts,
        redirects: state.redirects,
        credentials: { clientId, clientSecret, tokenTtlSeconds: state.tokenTtlSeconds },
      };
    },
  };
};
