import type IORedis from 'ioredis';
import type { Queue } from 'bullmq';
import { QUEUE_NAMES, createRedis, openQueue } from '@trustsync/queue';
import { TEST_REDIS_URL, testQueuePrefix } from '@trustsync/testing';
import { createApiKey, revokeApiKey, type ApiRole } from '@trustsync/db';
import { startApiHarness, kandjiExample, type ApiHarness } from '../testing/api-harness';
import { createApp } from '../app';
import { registeredRoutes } from '../docs/route-table';
import { THIRD_PARTY_PREFIXES } from '../docs/route-docs';
import { ROUTE_ACCESS, roleAllows } from './route-policy';

let api: ApiHarness;
let pushQueue: Queue;
let redis: IORedis;
const keys: Record<string, string> = {};

beforeAll(async () => {
  // Push, command and containment routes answer 503 without a push queue; give them one so they reach their checks.
  redis = createRedis(TEST_REDIS_URL, 'producer');
  pushQueue = openQueue(QUEUE_NAMES.push, redis, testQueuePrefix('access'));
  api = await startApiHarness('access', { pushQueue });
  for (const role of ['viewer', 'operator', 'admin'] as ApiRole[]) keys[role] = await api.createKey(role);
  keys.expired = (await createApiKey(api.db.dataSource, { name: 'old', role: 'admin', expiresAt: new Date(Date.now() - 1000), createdBy: 'test' })).key;
  const revoked = await createApiKey(api.db.dataSource, { name: 'gone', role: 'admin', createdBy: 'test' });
  await revokeApiKey(api.db.dataSource, revoked.record.id, 'test');
  keys.revoked = revoked.key;
});
afterAll(async () => {
  await api.close();
  await pushQueue.obliterate({ force: true }).catch(() => undefined);
  await pushQueue.close();
  await redis.quit();
});

// Ids that exist nowhere: each route answers after its access check (404, 400 …), never with a row written.
const concrete = (path: string) => path.replace(/:([A-Za-z_]+)/g, (_, name: string) => (name === 'id' ? 'INT-000000000000' : `none-${name}`));
const apiRoutes = () => registeredRoutes(createApp(api.deps)).filter((r) => !THIRD_PARTY_PREFIXES.some((p) => r.path.startsWith(p)));

describe('route × key matrix', () => {
  it('gives every registered route an access rule (no route falls back to the default)', () => {
    expect(apiRoutes().filter((r) => !(`${r.method} ${r.path}` in ROUTE_ACCESS)).map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });

  it('answers every route × {no key, revoked, expired, viewer, operator, admin} as the table says', async () => {
    const wrong: string[] = [];
    for (const route of apiRoutes()) {
      const access = ROUTE_ACCESS[`${route.method} ${route.path}`];
      for (const who of ['none', 'revoked', 'expired', 'viewer', 'operator', 'admin']) {
        const res = await api.call(route.method, concrete(route.path), route.method === 'GET' ? undefined : {}, { key: who === 'none' ? null : keys[who] });
        const expected =
          access === 'public' ? 'through'
          : ['none', 'revoked', 'expired'].includes(who) ? 401
          : roleAllows(who as ApiRole, access) ? 'through' : 403;
        const got = res.status === 401 || res.status === 403 ? res.status : 'through';
        if (got !== expected) wrong.push(`${route.method} ${route.path} as ${who}: expected ${expected}, got ${res.status} ${res.text.slice(0, 120)}`);
        if (res.status >= 500) wrong.push(`${route.method} ${route.path} as ${who}: ${res.status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('applies the same rule to case-changed and trailing-slash spellings of every path (express matches them too)', async () => {
    const wrong: string[] = [];
    const shout = (path: string) => path.replace(/\/([a-z-]+)/g, (_, seg: string) => `/${seg.toUpperCase()}`);
    for (const route of apiRoutes()) {
      for (const who of ['viewer', 'operator']) {
        const canonical = await api.call(route.method, concrete(route.path), route.method === 'GET' ? undefined : {}, { key: keys[who] });
        for (const variant of [shout(concrete(route.path)), `${concrete(route.path)}/`]) {
          const res = await api.call(route.method, variant, route.method === 'GET' ? undefined : {}, { key: keys[who] });
          const allowed = (r: { status: number }) => r.status !== 401 && r.status !== 403;
          if (allowed(res) !== allowed(canonical)) wrong.push(`${route.method} ${variant} as ${who}: ${res.status}, canonical ${canonical.status}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('lets a viewer look at Bull Board but not act on it', async () => {
    expect((await api.call('GET', '/ADMIN/QUEUES/api/queues', undefined, { key: keys.viewer })).status).toBe(200);
    expect((await api.call('PUT', '/admin/queues/api/queues/sync/pause', {}, { key: keys.viewer })).status).toBe(403);
  });

  it('says why a key is refused, and asks for a bearer key', async () => {
    const none = await api.call('GET', '/api/v1/integrations', undefined, { key: null });
    expect([none.status, none.headers.get('www-authenticate'), none.body.error.code]).toEqual([401, 'Bearer realm="trustsync"', 'unauthorized']);
    expect((await api.call('GET', '/api/v1/integrations', undefined, { key: keys.revoked })).body.error.message).toBe('the API key was revoked');
    expect((await api.call('GET', '/api/v1/integrations', undefined, { key: keys.expired })).body.error.message).toBe('the API key has expired');
    expect((await api.call('GET', '/api/v1/integrations', undefined, { key: 'tsk_guessed' })).body.error.message).toBe('the API key is not valid');
    expect((await api.call('GET', '/api/v1/integrations', undefined, { key: null, headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } })).status).toBe(401);
  });

  it('lets an operator send a command that only asks a device to check in, and only an admin one that changes it', async () => {
    const device = 'DEV-000000000000';
    const ask = (key: string, command: string) => api.call('POST', `/api/v1/devices/${device}/commands`, { command }, { key });
    const lock = await ask(keys.operator, 'lock');
    expect([lock.status, lock.body.error.details.required_role]).toEqual([403, 'admin']);
    expect((await ask(keys.operator, 'blankpush')).status).toBe(404);
    expect((await ask(keys.admin, 'lock')).status).toBe(404);
  });
});

describe('API keys', () => {
  it('shows a new key once, lists it without the secret, and stops it at once when revoked', async () => {
    const created = await api.call('POST', '/api/v1/api-keys', { name: 'ci pipeline', role: 'operator' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'ci pipeline', role: 'operator', status: 'active', key_hint: `…${created.body.key.slice(-4)}` });
    expect(created.body.key).toMatch(/^tsk_[A-Za-z0-9_-]{43}$/);
    const key: string = created.body.key;
    expect((await api.call('POST', '/api/v1/integrations/sync-all', {}, { key })).status).toBe(202);

    const list = await api.call('GET', '/api/v1/api-keys?page_size=100');
    expect(list.text).not.toContain(key);
    expect(list.text).not.toMatch(/key_hash|[0-9a-f]{64}/);
    const listed = list.body.items.find((k: { id: string }) => k.id === created.body.id);
    expect(listed.last_used_at).not.toBeNull();

    const revoked = await api.call('DELETE', `/api/v1/api-keys/${created.body.id}`);
    expect(revoked.body.status).toBe('revoked');
    expect((await api.call('GET', '/api/v1/integrations', undefined, { key })).status).toBe(401);
  });

  it('refuses a bad role, an expiry in the past and unknown fields, naming each', async () => {
    const res = await api.call('POST', '/api/v1/api-keys', { name: 'x', role: 'root', expires_at: 'tomorrow', extra: 1 });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['expires_at', 'extra', 'role']);
    const past = await api.call('POST', '/api/v1/api-keys', { name: 'x', role: 'viewer', expires_at: '2020-01-01T00:00:00Z' });
    expect([past.status, past.body.error.details[0].field]).toEqual([400, 'expires_at']);
  });

  it('answers 404 for revoking a key that does not exist', async () => {
    expect((await api.call('DELETE', '/api/v1/api-keys/KEY-000000000000')).status).toBe(404);
  });
});

describe('audit log', () => {
  const waitForAudit = async (targetId: string, n: number) => {
    for (let i = 0; i < 50; i++) {
      const res = await api.call('GET', `/api/v1/audit?target_id=${targetId}`);
      if (res.body.total >= n) return res.body.items;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`fewer than ${n} audit lines for ${targetId}`);
  };

  it('records who changed what, on which target, how it ended and under which request id', async () => {
    const created = await api.call('POST', '/api/v1/integrations', kandjiExample('https://acme.api.kandji.io', 'audit-token-0001'), { headers: { 'x-request-id': 'req-audit-1' } });
    const id = created.body.id;
    await api.call('POST', `/api/v1/integrations/${id}/sync`, undefined, { key: keys.operator });
    await api.call('DELETE', `/api/v1/integrations/${id}`, undefined, { key: keys.viewer });
    const lines = await waitForAudit(id, 3);
    expect(lines.map((l: Record<string, unknown>) => [l.action, l.actor_name, l.actor_role, l.outcome, l.status_code]).reverse()).toEqual([
      ['POST /api/v1/integrations', 'test-admin', 'admin', 'success', 201],
      ['POST /api/v1/integrations/:id/sync', 'test-operator', 'operator', 'success', 202],
      ['DELETE /api/v1/integrations/:id', 'test-viewer', 'viewer', 'denied', 403],
    ]);
    expect(lines[2]).toMatchObject({ request_id: 'req-audit-1', target_type: 'integration', target_id: id, path: '/api/v1/integrations' });
    expect(JSON.stringify(lines)).not.toContain('audit-token-0001');
  });

  it('is append-only in the database itself', async () => {
    await expect(api.db.dataSource.query(`UPDATE audit_log SET outcome = 'success'`)).rejects.toThrow(/append-only/);
    await expect(api.db.dataSource.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
  });

  it('is for admins only and filters by outcome', async () => {
    expect((await api.call('GET', '/api/v1/audit', undefined, { key: keys.operator })).status).toBe(403);
    const denied = await api.call('GET', '/api/v1/audit?outcome=denied');
    expect(denied.body.items.length).toBeGreaterThan(0);
    expect(denied.body.items.every((l: { outcome: string }) => l.outcome === 'denied')).toBe(true);
  });
});

describe('browser and header hardening', () => {
  it('answers no cross-origin request with CORS permission, and sends security headers', async () => {
    const res = await api.call('GET', '/api/v1/integrations', undefined, { headers: { origin: 'https://evil.example' } });
    const preflight = await fetch(`${api.baseUrl}/api/v1/integrations`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'DELETE' } });
    expect([res.headers.get('access-control-allow-origin'), preflight.headers.get('access-control-allow-origin')]).toEqual([null, null]);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
  });
});
