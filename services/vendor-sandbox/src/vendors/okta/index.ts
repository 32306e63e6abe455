import { createPublicKey, randomBytes, verify } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { Traffic } from '../../traffic';
import type { SandboxVendorFactory } from '../../sandbox-vendor';
import { uuidFor } from '../../fleet';
import { OktaTenant } from './okta-tenant';

const DEFAULT_API_TOKEN = 'sandbox-okta-api-token';
const DEFAULT_CLIENT_ID = '0oasandboxSERVICEAPP';

function oktaError(res: Response, status: number, code: string, summary: string): void {
  res.status(status).json({ errorCode: code, errorSummary: summary, errorLink: code, errorId: `oae${randomBytes(8).toString('hex')}`, errorCauses: [] });
}

function decodeJwt(jwt: string): { header: Record<string, unknown>; payload: Record<string, unknown>; signed: string; signature: Buffer } | undefined {
  const parts = jwt.trim().split('.');
  if (parts.length !== 3) return undefined;
  try {
    return { header: JSON.parse(Buffer.from(parts[0], 'base64url').toString()), payload: JSON.parse(Buffer.from(parts[1], 'base64url').toString()), signed: `${parts[0]}.${parts[1]}`, signature: Buffer.from(parts[2], 'base64url') };
  } catch {
    return undefined;
  }
}

function signatureOk(jwt: NonNullable<ReturnType<typeof decodeJwt>>, publicKeyPem: string | undefined): boolean {
  return !publicKeyPem || verify('sha256', Buffer.from(jwt.signed), createPublicKey(publicKeyPem), jwt.signature);
}

// Filters the simulator understands: `eventType eq|sw "x"` clauses joined by `or` (Okta accepts far more).
function logFilter(filter: string | undefined): ((eventType: string) => boolean) | undefined | null {
  if (!filter) return undefined;
  const clauses = filter.split(/\s+or\s+/i).map((c) => /^\(?\s*eventType\s+(eq|sw)\s+"([^"]+)"\s*\)?$/i.exec(c.trim()));
  if (clauses.some((c) => !c)) return null;
  return (t) => clauses.some((c) => (c![1].toLowerCase() === 'eq' ? t === c![2] : t.startsWith(c![2])));
}

/**
 * Okta Management API simulator: SSWS and private_key_jwt service-app auth, Link paging (one
 * `link` line per relation), X-Rate-Limit-* headers, Okta's error envelope, users (the plain list
 * hides DEPROVISIONED), groups, Okta Verify devices, policies, System Log polling, lifecycle
 * actions, session revocation, SSF security events, and event hook deliveries.
 */
export const oktaSandbox: SandboxVendorFactory = (seed) => {
  const opts = seed as typeof seed & { users?: number; apiToken?: string; clientId?: string; clientPublicKey?: string; tokenTtlSeconds?: number; logEvents?: number; ssfIssuer?: string; ssfPublicKey?: string };
  const apiToken = opts.apiToken ?? DEFAULT_API_TOKEN;
  const clientId = opts.clientId ?? DEFAULT_CLIENT_ID;
  const tenant = new OktaTenant({ fleet: seed.fleet, users: opts.users ?? seed.people, devices: seed.devices, people: seed.people, deviceOffset: seed.deviceOffset ?? 0, logEvents: opts.logEvents ?? 200, createdAtMs: seed.fleet.anchorMs });
  const tokens = new Map<string, number>();
  const pushed = { securityEvents: [] as Array<Record<string, unknown>>, lifecycle: [] as Array<{ deviceId: string; action: string }>, sessionRevocations: [] as Array<{ userId: string; oauthTokens: boolean }> };
  const state = { tokenTtlSeconds: opts.tokenTtlSeconds ?? 3600, concurrency429: 0, combinedLink: false };

  const traffic = new Traffic((res, retryAfterMs) => {
    res.set({ 'x-rate-limit-limit': String(traffic.limit?.requests ?? 600), 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(Math.ceil((Date.now() + retryAfterMs) / 1000)) });
    oktaError(res, 429, 'E0000047', 'API call exceeded rate limit due to too many requests.');
  });

  const orgOf = (req: Request): string => `${req.protocol}://${req.get('host')}${req.baseUrl}`;

  function sendPage(req: Request, res: Response, items: unknown[], path: string, nextParams: Record<string, string> | null): void {
    const org = orgOf(req);
    const self = new URLSearchParams(req.query as Record<string, string>).toString();
    const links = [`<${org}${path}${self ? `?${self}` : ''}>; rel="self"`];
    if (nextParams) links.push(`<${org}${path}?${new URLSearchParams(nextParams).toString()}>; rel="next"`);
    if (state.combinedLink) res.set('link', links.join(', '));
    else for (const l of links) res.append('link', l);
    res.json(items);
  }

  function limitOf(req: Request, fallback: number, max: number): number {
    const n = Number(req.query.limit ?? fallback);
    return Math.max(1, Math.min(max, Number.isFinite(n) ? n : fallback));
  }

  function router(): express.Router {
    const r = express.Router();
    r.use((req, res, next) => {
      const windowMs = traffic.limit ? traffic.windowLeftMs() : 60_000;
      res.set({
        'x-okta-request-id': randomBytes(12).toString('base64url'),
        'x-rate-limit-limit': String(traffic.limit?.requests ?? 600),
        'x-rate-limit-remaining': String(traffic.limit ? traffic.remaining() : 599),
        'x-rate-limit-reset': String(Math.ceil((Date.now() + windowMs) / 1000)),
      });
      if (state.concurrency429 > 0) {
        state.concurrency429--;
        traffic.stats.injected429++;
        res.set({ 'x-rate-limit-limit': '0', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(Math.ceil(Date.now() / 1000) + 120) });
        return oktaError(res, 429, 'E0000047', 'API call exceeded rate limit due to too many requests.');
      }
      next();
    });

    r.post('/oauth2/v1/token', express.urlencoded({ extended: false }), (req, res) => {
      const body = req.body as Record<string, string>;
      const jwt = body.client_assertion ? decodeJwt(body.client_assertion) : undefined;
      const aud = `${orgOf(req)}/oauth2/v1/token`;
      const p = jwt?.payload;
      const valid =
        body.grant_type === 'client_credentials' &&
        body.client_assertion_type === 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' &&
        p && p.iss === clientId && p.sub === clientId && p.aud === aud && Number(p.exp) * 1000 > Date.now() && signatureOk(jwt, opts.clientPublicKey);
      if (!valid) return void res.status(401).json({ error: 'invalid_client', error_description: 'The client_assertion is invalid.' });
      const token = `sbx.${randomBytes(24).toString('base64url')}`;
      tokens.set(token, Date.now() + state.tokenTtlSeconds * 1000);
      res.json({ token_type: 'Bearer', expires_in: state.tokenTtlSeconds, access_token: token, scope: body.scope ?? '' });
    });

    r.post('/security/api/v1/security-events', express.text({ type: 'application/secevent+jwt' }), (req, res) => {
      const jwt = typeof req.body === 'string' ? decodeJwt(req.body) : undefined;
      if (!jwt || jwt.header.typ !== 'secevent+jwt') return void res.status(400).json({ err: 'invalid_request', description: 'Body is not a Security Event Token.' });
      if (jwt.payload.iss !== (opts.ssfIssuer ?? 'https://trustsync.example')) return void res.status(400).json({ err: 'invalid_issuer', description: `Invalid issuer: ${String(jwt.payload.iss)}` });
      if (jwt.payload.aud !== orgOf(req)) return void res.status(400).json({ err: 'invalid_audience', description: 'Invalid audience.' });
      if (!signatureOk(jwt, opts.ssfPublicKey)) return void res.status(400).json({ err: 'authentication_failed', description: 'Signature verification failed.' });
      pushed.securityEvents.push(jwt.payload);
      res.status(202).end();
    });

    r.use('/api/v1', (req, res, next) => {
      const auth = req.get('authorization') ?? '';
      const bearer = /^Bearer (.+)$/.exec(auth)?.[1];
      const ok = auth === `SSWS ${apiToken}` || (bearer !== undefined && (tokens.get(bearer) ?? 0) > Date.now());
      if (ok) return next();
      traffic.stats.unauthorized++;
      oktaError(res, 401, 'E0000011', 'Invalid token provided');
    });

    r.get('/api/v1/users', (req, res) => {
      const q = req.query as Record<string, string | undefined>;
      if (q.filter && /\b(ne|not)\b/i.test(q.filter)) return oktaError(res, 400, 'E0000031', 'Invalid search criteria.');
      const text = q.search ?? q.filter;
      const since = text ? /lastUpdated gt "([^"]+)"/.exec(text)?.[1] : undefined;
      if (text && !since && !/^status pr$/i.test(text.trim())) return oktaError(res, 400, 'E0000031', 'Invalid search criteria.');
      const limit = limitOf(req, 200, 200);
      const start = q.after ? tenant.userIndex(q.after) + 1 : 0;
      const items: unknown[] = [];
      let j = start;
      for (; j < tenant.o.users && items.length < limit; j++) {
        // The plain list leaves DEPROVISIONED users out; search and filter include them.
        if (!text && tenant.userStatus(j) === 'DEPROVISIONED') continue;
        if (since && tenant.userLastUpdated(j) <= since) continue;
        items.push(tenant.user(j, orgOf(req)));
      }
      const more = j < tenant.o.users;
      sendPage(req, res, items, '/api/v1/users', more && items.length ? { ...(q as Record<string, string>), after: tenant.userId(j - 1), limit: String(limit) } : null);
    });

    r.get('/api/v1/users/:id', (req, res) => {
      const j = tenant.userIndex(req.params.id);
      if (j < 0) return oktaError(res, 404, 'E0000007', `Not found: Resource not found: ${req.params.id} (User)`);
      res.json(tenant.user(j, orgOf(req)));
    });

    r.delete('/api/v1/users/:id/sessions', (req, res) => {
      if (tenant.userIndex(req.params.id) < 0) return oktaError(res, 404, 'E0000007', `Not found: Resource not found: ${req.params.id} (User)`);
      pushed.sessionRevocations.push({ userId: req.params.id, oauthTokens: req.query.oauthTokens === 'true' });
      res.status(204).end();
    });

    r.get('/api/v1/groups', (req, res) => {
      const groups = tenant.groups();
      const limit = limitOf(req, 200, 10_000);
      const start = req.query.after ? groups.findIndex((g) => g.id === req.query.after) + 1 : 0;
      const page = groups.slice(start, start + limit);
      const more = start + limit < groups.length;
      sendPage(req, res, page.map((g) => tenant.group(g, orgOf(req))), '/api/v1/groups', more ? { after: page.at(-1)!.id, limit: String(limit) } : null);
    });

    r.get('/api/v1/groups/:id/users', (req, res) => {
      const g = tenant.groups().find((x) => x.id === req.params.id);
      if (!g) return oktaError(res, 404, 'E0000007', `Not found: Resource not found: ${req.params.id} (UserGroup)`);
      const limit = limitOf(req, 1000, 1000);
      const items: unknown[] = [];
      let j = typeof req.query.after === 'string' ? tenant.userIndex(req.query.after) + 1 : 0;
      for (; j < tenant.o.users && items.length < limit; j++) if (tenant.isMember(j, g)) items.push(tenant.user(j, orgOf(req)));
      sendPage(req, res, items, `/api/v1/groups/${g.id}/users`, j < tenant.o.users && items.length ? { after: tenant.userId(j - 1), limit: String(limit) } : null);
    });

    r.get('/api/v1/devices', (req, res) => {
      const limit = limitOf(req, 200, 200);
      const expand = req.query.expand === 'user' || req.query.expand === 'userSummary';
      const start = typeof req.query.after === 'string' ? tenant.deviceIndex(req.query.after) + 1 : 0;
      const end = Math.min(tenant.o.devices, start + limit);
      const items = [];
      for (let i = start; i < end; i++) items.push(tenant.device(i, orgOf(req), expand));
      sendPage(req, res, items, '/api/v1/devices', end < tenant.o.devices ? { after: tenant.deviceId(end - 1), limit: String(limit), ...(req.query.expand ? { expand: String(req.query.expand) } : {}) } : null);
    });

    const withDevice = (handler: (i: number, req: Request, res: Response) => void) => (req: Request, res: Response) => {
      const i = tenant.deviceIndex(String(req.params.id));
      if (i < 0) return oktaError(res, 404, 'E0000007', `Not found: Resource not found: ${String(req.params.id)} (Device)`);
      handler(i, req, res);
    };
    r.get('/api/v1/devices/:id', withDevice((i, req, res) => void res.json(tenant.device(i, orgOf(req), false))));
    r.get('/api/v1/devices/:id/users', withDevice((i, req, res) => void res.json([tenant.deviceUser(i, orgOf(req))])));
    r.post('/api/v1/devices/:id/lifecycle/:action', withDevice((i, req, res) => {
      const next: Record<string, string> = { activate: 'ACTIVE', deactivate: 'DEACTIVATED', suspend: 'SUSPENDED', unsuspend: 'ACTIVE' };
      const status = next[String(req.params.action)];
      if (!status) return oktaError(res, 404, 'E0000007', 'Not found: Resource not found');
      if (!req.get('content-length') && !req.get('transfer-encoding')) return void res.status(411).end();
      tenant.deviceOverrides.set(i, { status, lastUpdated: new Date().toISOString() });
      pushed.lifecycle.push({ deviceId: String(req.params.id), action: String(req.params.action) });
      res.status(204).end();
    }));

    r.get('/api/v1/policies', (req, res) => {
      const type = typeof req.query.type === 'string' ? req.query.type : '';
      if (!type) return oktaError(res, 400, 'E0000001', 'Api validation failed: type');
      const count = tenant.policyTypes()[type] ?? 0;
      sendPage(req, res, Array.from({ length: count }, (_, k) => tenant.policy(type, k, orgOf(req))), '/api/v1/policies', null);
    });

    r.get('/api/v1/device-assurances', (_req, res) => void res.json(tenant.deviceAssurances()));

    r.get('/api/v1/logs', (req, res) => {
      const q = req.query as Record<string, string | undefined>;
      const match = logFilter(q.filter);
      if (match === null) return oktaError(res, 400, 'E0000053', 'Invalid parameter: filter');
      const limit = limitOf(req, 100, 1000);
      const sinceMs = q.since ? Date.parse(q.since) : Date.now() - 7 * 86_400_000;
      const untilMs = q.until ? Date.parse(q.until) : Number.POSITIVE_INFINITY;
      let k = q.after ? Number(q.after.split('_')[1]) + 1 : 0;
      const items: unknown[] = [];
      let lastK = q.after ? k - 1 : -1;
      for (; k < tenant.o.logEvents && items.length < limit; k++) {
        const at = tenant.logPublishedMs(k);
        const e = tenant.logEvent(k);
        lastK = k;
        if (at < sinceMs || at > untilMs || (match && !match(String(e.eventType)))) continue;
        items.push(e);
      }
      // A polling query (no `until`) always offers rel=next, even on an empty page.
      const more = !q.until || k < tenant.o.logEvents;
      const after = lastK >= 0 ? `${tenant.logPublishedMs(lastK)}_${lastK}` : q.after;
      const { after: _drop, ...rest } = q;
      sendPage(req, res, items, '/api/v1/logs', more ? ({ ...rest, ...(after ? { after } : {}) } as Record<string, string>) : null);
    });

    return r;
  }

  function admin(): express.Router {
    const a = express.Router();
    a.post('/users/:index', (req, res) => {
      tenant.userOverrides.set(Number(req.params.index), { status: req.body?.status, lastUpdated: new Date().toISOString() });
      res.json(tenant.user(Number(req.params.index), ''));
    });
    a.post('/devices/:index', (req, res) => {
      tenant.deviceOverrides.set(Number(req.params.index), { status: req.body?.status, lastUpdated: new Date().toISOString() });
      res.json({ id: tenant.deviceId(Number(req.params.index)), status: tenant.deviceStatus(Number(req.params.index)) });
    });
    a.post('/expire-tokens', (_req, res) => {
      const expired = tokens.size;
      tokens.clear();
      res.json({ expired });
    });
    a.post('/token-ttl', (req, res) => {
      state.tokenTtlSeconds = Number(req.body?.seconds ?? 3600);
      res.json({ tokenTtlSeconds: state.tokenTtlSeconds });
    });
    a.post('/concurrency-429', (req, res) => {
      state.concurrency429 = Number(req.body?.count ?? 1);
      res.json({ concurrency429: state.concurrency429 });
    });
    a.post('/link-format', (req, res) => {
      state.combinedLink = req.body?.combined === true;
      res.json({ combinedLink: state.combinedLink });
    });
    a.get('/pushed', (_req, res) => void res.json(pushed));
    a.post('/webhooks/send', async (req, res) => {
      const { url, secret, kind = 'event', userIndex = 0 } = (req.body ?? {}) as { url: string; secret: string; kind?: 'event' | 'verification'; userIndex?: number };
      const headers: Record<string, string> = { Accept: 'application/json', 'Content-Type': 'application/json', Authorization: secret };
      if (kind === 'verification') {
        const challenge = randomBytes(24).toString('base64url');
        const answer = await fetch(url, { method: 'GET', headers: { ...headers, 'x-okta-verification-challenge': challenge } });
        const body = (await answer.json().catch(() => null)) as { verification?: string } | null;
        return void res.json({ status: answer.status, challenge, verified: body?.verification === challenge });
      }
      const p = seed.fleet.person(userIndex);
      // The suspension has its own id and happened when the user record last changed (the org lists the user
      // as it is now, so a pull after it wins); sending it again re-delivers the same event.
      const uuid = uuidFor(seed.fleet.seed, 'okta-hook-suspend', userIndex);
      const event: Record<string, unknown> = { ...tenant.logEvent(userIndex), uuid, eventType: 'user.lifecycle.suspend', displayMessage: 'Suspend Okta user', published: tenant.userLastUpdated(userIndex) };
      const delivery = {
        eventType: 'com.okta.event_hook',
        eventTypeVersion: '1.0',
        cloudEventsVersion: '0.1',
        source: `${req.protocol}://${req.get('host')}/okta/api/v1/eventHooks/whosandbox0000000h7`,
        eventId: randomBytes(16).toString('hex'),
        eventTime: new Date().toISOString(),
        contentType: 'application/json',
        data: { events: [{ ...event, target: [{ id: tenant.userId(userIndex), type: 'User', alternateId: p.email, displayName: p.name }] }] },
      };
      const answer = await fetch(url, { method: 'POST', headers, body: JSON.stringify(delivery) });
      res.json({ status: answer.status, eventId: delivery.eventId, eventUuids: [event.uuid] });
    });
    return a;
  }

  return {
    name: 'okta',
    traffic,
    router,
    admin,
    describe: () => {
      let deprovisioned = 0;
      for (let j = 0; j < tenant.o.users; j++) if (tenant.userStatus(j) === 'DEPROVISIONED') deprovisioned++;
      const policies = Object.values(tenant.policyTypes()).reduce((a, b) => a + b, 0);
      return {
        users: tenant.o.users,
        listedWithoutSearch: tenant.o.users - deprovisioned,
        deprovisioned,
        groups: tenant.groups().length,
        devices: tenant.o.devices,
        policies,
        deviceAssurances: tenant.deviceAssurances().length,
        logEvents: tenant.o.logEvents,
        credentials: { apiToken, clientId, tokenTtlSeconds: state.tokenTtlSeconds },
      };
    },
  };
};
