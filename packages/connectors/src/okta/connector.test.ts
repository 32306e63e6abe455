import { generateKeyPairSync } from 'node:crypto';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { createLogger } from '@trustsync/core';
import { fixture, fixtureText } from '@trustsync/testing';
import { ConnectorError, LocalRateGate, MemoryTokenCache, type ConnectorContext, type Credentials, type StreamSpec } from '../core';
import { OktaConnector } from './connector';

const ORG = 'https://acme-sandbox.okta.com';
const server = setupServer();

function wireHeaders(file: string): Headers {
  const headers = new Headers();
  for (const line of fixtureText('okta', file).split(/\r?\n/).slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) headers.append(line.slice(0, i).trim(), line.slice(i + 1).trim());
  }
  return headers;
}

function connector(credentials: Credentials, settings: Record<string, unknown> = {}): OktaConnector {
  const ctx: ConnectorContext = {
    integration: { id: 'INT-OKTA', type: 'okta', endpoint: ORG, region: null, apiVersion: null, authType: 'api_token', settings: { groupMemberships: 'none', ...settings } },
    credentials,
    gate: new LocalRateGate({ requests: 10_000, periodSeconds: 1 }),
    logger: createLogger({ service: 'test', silent: true }),
    tokenCache: new MemoryTokenCache(),
    now: () => new Date(),
  };
  return new OktaConnector(ctx);
}

async function drain(spec: StreamSpec, cursor: string | null = null): Promise<Array<{ ids: string[]; nextCursor: string | null }>> {
  const pages = [];
  for await (const page of spec.pages(cursor)) pages.push({ ids: page.records.map((r) => r.externalId), nextCursor: page.nextCursor });
  return pages;
}

const usersHandler = (seen: URL[] = []) =>
  http.get(`${ORG}/api/v1/users`, ({ request }) => {
    const url = new URL(request.url);
    seen.push(url);
    const last = url.searchParams.has('after');
    return HttpResponse.json(fixture(`okta`, last ? 'users-page2.json' : 'users-page1.json'), { headers: wireHeaders(last ? 'users-page2.headers' : 'users-page1.headers') });
  });

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('okta users stream', () => {
  const users = () => connector({ api_key: 'ssws-token' }).streams({ syncType: 'users', since: null })[0];

  it('follows the comma-joined Link header to the last page and stops where rel=next is missing', async () => {
    server.use(usersHandler());
    expect(await drain(users())).toEqual([
      { ids: ['00u1k2j3h4G5f6D7s8a9', '00u1k2j3h4G5f6D7s8b0', '00u1k2j3h4G5f6D7s8b1'], nextCursor: `${ORG}/api/v1/users?after=00u1k2j3h4G5f6D7s8b1&limit=3` },
      { ids: ['00u1k2j3h4G5f6D7s8b2', '00u1k2j3h4G5f6D7s8b3'], nextCursor: null },
    ]);
  });

  it('asks for every status on a full sync so deprovisioned users are listed', async () => {
    const seen: URL[] = [];
    server.use(usersHandler(seen));
    await drain(users());
    expect(seen[0].searchParams.get('search')).toBe('status pr');
  });

  it('requests the next URL verbatim, without re-adding its own parameters', async () => {
    const seen: URL[] = [];
    server.use(usersHandler(seen));
    await drain(users());
    expect(seen[1].search).toBe('?after=00u1k2j3h4G5f6D7s8b1&limit=3');
  });

  it('resumes from a saved cursor at exactly that page', async () => {
    server.use(usersHandler());
    expect(await drain(users(), `${ORG}/api/v1/users?after=00u1k2j3h4G5f6D7s8b1&limit=3`)).toEqual([{ ids: ['00u1k2j3h4G5f6D7s8b2', '00u1k2j3h4G5f6D7s8b3'], nextCursor: null }]);
  });

  it('says the full users stream is complete and the incremental one is not', () => {
    const c = connector({ api_key: 'ssws-token' });
    const full = c.streams({ syncType: 'users', since: null })[0];
    const delta = c.streams({ syncType: 'incremental', since: new Date('2026-01-01T00:00:00Z') })[0];
    expect([full.complete, delta.complete]).toEqual([true, false]);
  });

  it('filters an incremental sync on lastUpdated', async () => {
    const seen: URL[] = [];
    server.use(usersHandler(seen));
    await drain(connector({ api_key: 'ssws-token' }).streams({ syncType: 'incremental', since: new Date('2026-01-01T00:00:00Z') })[0]);
    expect(seen[0].searchParams.get('search')).toBe('lastUpdated gt "2026-01-01T00:00:00.000Z"');
  });

  it('refuses a next link that points at a foreign host', async () => {
    server.use(http.get(`${ORG}/api/v1/users`, () => HttpResponse.json([], { headers: { link: '<https://evil.example.net/api/v1/users?after=x>; rel="next"' } })));
    await expect(drain(users())).rejects.toMatchObject({ kind: 'invalid_response' });
  });
});

describe('okta group memberships', () => {
  it('attaches group names from each group member list to users, skipping the built-in Everyone', async () => {
    const [everyone, finance] = fixture<Array<{ id: string }>>('okta', 'user-groups.json');
    server.use(
      usersHandler(),
      http.get(`${ORG}/api/v1/groups`, () => HttpResponse.json(fixture('okta', 'user-groups.json'))),
      http.get(`${ORG}/api/v1/groups/:id/users`, ({ params }) => HttpResponse.json(params.id === finance.id ? fixture('okta', 'users-page1.json') : params.id === everyone.id ? [] : fixture('okta', 'users-page2.json'))),
    );
    const spec = connector({ api_key: 'ssws-token' }, { groupMemberships: 'by_group' }).streams({ syncType: 'users', since: null })[0];
    const groups: Record<string, string[]> = {};
    for await (const page of spec.pages(null)) for (const u of page.records as Array<{ externalId: string; groups: string[] }>) groups[u.externalId] = u.groups;
    expect([groups['00u1k2j3h4G5f6D7s8a9'], groups['00u1k2j3h4G5f6D7s8b2']]).toEqual([['Finance'], ['Workstation Admins']]);
  });
});

describe('okta auth', () => {
  it('sends the API token as SSWS', async () => {
    let auth: string | null = null;
    server.use(http.get(`${ORG}/api/v1/users`, ({ request }) => ((auth = request.headers.get('authorization')), HttpResponse.json([]))));
    await connector({ api_key: 'ssws-token' }).testConnection();
    expect(auth).toBe('SSWS ssws-token');
  });

  it('gets a service-app token with a private_key_jwt assertion, and on a 401 fetches a new one once and replays', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const issued = ['token-1', 'token-2'];
    const assertions: string[] = [];
    server.use(
      http.post(`${ORG}/oauth2/v1/token`, async ({ request }) => {
        const form = new URLSearchParams(await request.text());
        assertions.push(form.get('client_assertion_type') ?? '');
        return HttpResponse.json({ ...fixture<object>('okta', 'oauth-token-response.json'), access_token: issued.shift() });
      }),
      http.get(`${ORG}/api/v1/users`, ({ request }) =>
        request.headers.get('authorization') === 'Bearer token-2' ? HttpResponse.json([]) : HttpResponse.json(fixture('okta', 'error-401-invalid-token.json'), { status: 401 }),
      ),
    );
    const c = connector({ client_id: '0oaEXAMPLE', private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() });
    await c.testConnection();
    expect(assertions).toEqual(['urn:ietf:params:oauth:client-assertion-type:jwt-bearer', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer']);
  });

  it('does not retry a 401 for an API token: the credential is dead', async () => {
    let calls = 0;
    server.use(http.get(`${ORG}/api/v1/users`, () => (calls++, HttpResponse.json(fixture('okta', 'error-401-invalid-token.json'), { status: 401 }))));
    await expect(connector({ api_key: 'dead' }).testConnection()).rejects.toMatchObject({ kind: 'auth' });
    expect(calls).toBe(1);
  });
});

describe('okta errors', () => {
  it.each([
    ['error-400-invalid-filter.json', 400, 'rejected'],
    ['error-401-invalid-token.json', 401, 'auth'],
    ['error-403-access-denied.json', 403, 'forbidden'],
    ['error-404-not-found.json', 404, 'not_found'],
  ])('maps %s (HTTP %i) to %s', async (file, status, kind) => {
    server.use(http.get(`${ORG}/api/v1/users`, () => HttpResponse.json(fixture('okta', file), { status })));
    await expect(connector({ api_key: 't' }).testConnection()).rejects.toMatchObject({ kind, extra: { vendorCode: fixture<{ errorCode: string }>('okta', file).errorCode } });
  });

  it('maps error-429 to rate_limited with a retry time from reset − Date + 1 s', async () => {
    server.use(http.get(`${ORG}/api/v1/users`, () => HttpResponse.json(fixture('okta', 'error-429.json'), { status: 429, headers: wireHeaders('error-429.headers') })));
    const started = Date.now();
    const err = (await connector({ api_key: 't' }).testConnection().catch((e: unknown) => e)) as ConnectorError;
    expect({ kind: err.kind, waitS: Math.round((err.retryAt!.getTime() - started) / 1000) }).toEqual({ kind: 'rate_limited', waitS: 31 });
  });

  it('maps the SSF rejection body to rejected', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    server.use(
      http.get(`${ORG}/api/v1/devices/:id/users`, () => HttpResponse.json([])),
      http.post(`${ORG}/security/api/v1/security-events`, () => HttpResponse.json(fixture('okta', 'ssf-set-error-400.json'), { status: 400 })),
    );
    const c = connector({ api_key: 't', ssf_private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() }, { ssfIssuer: 'https://integration.example.net' });
    await expect(c.pushCompliance('guo1', { isCompliant: false, complianceScore: 10, violations: ['edr'] })).rejects.toMatchObject({ kind: 'rejected', extra: { vendorCode: 'invalid_issuer' } });
  });
});

describe('okta system log stream', () => {
  it('stops on the first empty page even though a polling query always sends rel=next', async () => {
    let calls = 0;
    server.use(
      http.get(`${ORG}/api/v1/logs`, () => {
        calls++;
        return HttpResponse.json(calls === 1 ? fixture('okta', 'system-log-page.json') : [], { headers: wireHeaders('system-log-page.headers') });
      }),
    );
    const spec = connector({ api_key: 't' }).streams({ syncType: 'detections', since: null })[0];
    const pages = await drain(spec);
    expect({ calls, ids: pages.flatMap((p) => p.ids).length, last: pages.at(-1)?.nextCursor }).toEqual({ calls: 2, ids: 3, last: null });
  });
});

describe('okta pushes', () => {
  it('signs a CAEP device-compliance-change SET and records exactly what was sent', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    let sent = '';
    let contentType: string | null = null;
    server.use(
      http.get(`${ORG}/api/v1/devices/:id/users`, () => HttpResponse.json([{ managementStatus: 'MANAGED', user: { id: '00u1', profile: { email: 'alice.nguyen@example.com' } } }])),
      http.post(`${ORG}/security/api/v1/security-events`, async ({ request }) => {
        sent = await request.text();
        contentType = request.headers.get('content-type');
        return new HttpResponse(null, { status: 202 });
      }),
    );
    const c = connector({ api_key: 't', ssf_private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() }, { ssfIssuer: 'https://integration.example.net' });
    const result = await c.pushCompliance('guo1a2b3c4d5E6F7g8h9', { isCompliant: false, complianceScore: 20, violations: ['firewall off'] });
    const [head, payload, sig] = sent.split('.');
    const { verify } = await import('node:crypto');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const event = claims.events['https://schemas.openid.net/secevent/caep/event-type/device-compliance-change'];
    expect({
      contentType,
      typ: JSON.parse(Buffer.from(head, 'base64url').toString()).typ,
      valid: verify('sha256', Buffer.from(`${head}.${payload}`), publicKey, Buffer.from(sig, 'base64url')),
      aud: claims.aud,
      subject: event.subject,
      status: event.current_status,
      reference: result.vendorReference,
    }).toEqual({
      contentType: 'application/secevent+jwt',
      typ: 'secevent+jwt',
      valid: true,
      aud: ORG,
      subject: { device: { format: 'opaque', id: 'guo1a2b3c4d5E6F7g8h9' }, user: { format: 'email', email: 'alice.nguyen@example.com' } },
      status: 'not-compliant',
      reference: claims.jti,
    });
  });

  it('says pushing is unsupported when nothing is configured to push', async () => {
    await expect(connector({ api_key: 't' }).pushCompliance('guo1', { isCompliant: true, complianceScore: 100, violations: [] })).rejects.toMatchObject({ kind: 'unsupported' });
  });
});

describe('okta revoke_sessions command', () => {
  type DeviceLink = { user: { id: string } };
  const devices = fixture<Array<{ id: string; _embedded?: { users?: DeviceLink[] } }>>('okta', 'devices.json');
  const [laptop] = devices;
  const noUsers = devices[3];
  const linksOf = (id: string): DeviceLink[] => devices.find((d) => d.id === id)?._embedded?.users ?? [];

  /** Okta's device users and session endpoints; records every request as "METHOD path?query". */
  function oktaSessions(users: (deviceId: string) => DeviceLink[] = linksOf, deleteStatus = 204): string[] {
    const sent: string[] = [];
    const record = (request: Request) => {
      const url = new URL(request.url);
      sent.push(`${request.method} ${url.pathname}${url.search}`);
    };
    server.use(
      http.get(`${ORG}/api/v1/devices/:id/users`, ({ request, params }) => (record(request), HttpResponse.json(users(String(params.id))))),
      http.delete(`${ORG}/api/v1/users/:id/sessions`, ({ request }) =>
        (record(request), deleteStatus === 204 ? new HttpResponse(null, { status: 204 }) : HttpResponse.json(fixture('okta', 'error-404-not-found.json'), { status: deleteStatus })),
      ),
    );
    return sent;
  }

  it('reads the device users, then sends DELETE /api/v1/users/{id}/sessions?oauthTokens=true for the device user', async () => {
    const sent = oktaSessions();
    await connector({ api_key: 't' }).runCommand(laptop.id, { command: 'revoke_sessions', params: {} });
    expect(sent).toEqual([`GET /api/v1/devices/${laptop.id}/users`, 'DELETE /api/v1/users/00u1k2j3h4G5f6D7s8a9/sessions?oauthTokens=true']);
  });

  it('records a completed command naming the user whose sessions and OAuth tokens were revoked', async () => {
    oktaSessions();
    const result = await connector({ api_key: 't' }).runCommand(laptop.id, { command: 'revoke_sessions', params: {} });
    expect(result).toEqual({ status: 'completed', vendorReference: null, detail: { sessionsRevokedForUsers: ['00u1k2j3h4G5f6D7s8a9'], oauthTokens: true } });
  });

  it('revokes the sessions of every user linked to a shared device, in order', async () => {
    const sent = oktaSessions(() => [...linksOf(laptop.id), { user: { id: '00u1k2j3h4G5f6D7s8b0' } }]);
    const result = await connector({ api_key: 't' }).runCommand(laptop.id, { command: 'revoke_sessions', params: {} });
    expect({ deletes: sent.filter((s) => s.startsWith('DELETE')), revoked: result.detail?.sessionsRevokedForUsers }).toEqual({
      deletes: ['DELETE /api/v1/users/00u1k2j3h4G5f6D7s8a9/sessions?oauthTokens=true', 'DELETE /api/v1/users/00u1k2j3h4G5f6D7s8b0/sessions?oauthTokens=true'],
      revoked: ['00u1k2j3h4G5f6D7s8a9', '00u1k2j3h4G5f6D7s8b0'],
    });
  });

  it('sends no DELETE for a device without users and records that nobody was revoked', async () => {
    const sent = oktaSessions();
    const result = await connector({ api_key: 't' }).runCommand(noUsers.id, { command: 'revoke_sessions', params: {} });
    expect({ sent, revoked: result.detail?.sessionsRevokedForUsers }).toEqual({ sent: [`GET /api/v1/devices/${noUsers.id}/users`], revoked: [] });
  });

  it('fails with kind not_found when Okta no longer knows the user', async () => {
    oktaSessions(linksOf, 404);
    await expect(connector({ api_key: 't' }).runCommand(laptop.id, { command: 'revoke_sessions', params: {} })).rejects.toMatchObject({ kind: 'not_found', extra: { vendorCode: 'E0000007' } });
  });

  it('says an unknown command is unsupported without calling Okta', async () => {
    const sent = oktaSessions();
    await expect(connector({ api_key: 't' }).runCommand(laptop.id, { command: 'wipe', params: {} })).rejects.toMatchObject({ kind: 'unsupported' });
    expect(sent).toEqual([]);
  });
});
