import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { createLogger } from '@trustsync/core';
import { fixture } from '@trustsync/testing';
import { LocalRateGate, MemoryTokenCache, isConnectorError, type ConnectorContext, type StreamSpec } from '../core';
import { ZscalerConnector } from './connector';

const ZIA = 'https://zsapi.zscaler.net/api/v1';
const ZPA_HOST = 'https://config.private.zscaler.com';
const ZPA = `${ZPA_HOST}/mgmtconfig/v1/admin/customers/216196257331281920`;
const ZCC = 'https://api-mobile.zscaler.net/papi';
const COOKIE = fixture<Record<string, string>>('zscaler', 'zia_authenticated_session_response_headers.json')['set-cookie'];
const LOGIN_AT_MS = 1747734123456;
/** A cloud firewall rule with the fields the vendor's Go SDK reads (no recorded fixture exists). */
const FIREWALL_RULE = {
  id: 1700120, name: 'Block non-web traffic from quarantined users', order: 1, rank: 7, accessControl: 'READ_WRITE', enableFullLogging: false,
  action: 'BLOCK_DROP', state: 'ENABLED', groups: [{ id: 24326901, name: 'Quarantine-Risky-Devices' }], defaultRule: false, predefined: false, deviceGroups: [], devices: [],
};

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function connector(settings: Record<string, unknown> = {}, credentials: Record<string, string> = {}, endpoint: string | null = 'https://zsapi.zscaler.net'): ZscalerConnector {
  const ctx: ConnectorContext = {
    integration: { id: 'INT_z1', type: 'zscaler', endpoint, region: null, apiVersion: null, authType: 'legacy', settings: { zpaCustomerId: '216196257331281920', editLockBackoffMs: [10, 10], activationPollMs: 10, ...settings } },
    credentials: { api_key: 'AbCdEfGhIjKl', client_id: 'api-admin@example.com', client_secret: 'admin-password', zpa_client_id: 'zpa-id', zpa_client_secret: 'zpa-secret', zcc_api_key: 'zcc-key', zcc_secret_key: 'zcc-secret', ...credentials },
    gate: new LocalRateGate({ requests: 1000, periodSeconds: 1 }),
    logger: createLogger({ service: 'test', silent: true }),
    tokenCache: new MemoryTokenCache(),
    now: () => new Date(LOGIN_AT_MS),
  };
  return new ZscalerConnector(ctx);
}

/** ZIA login handler that hands out numbered sessions and counts logins. */
function ziaLogin(): { logins: Array<Record<string, unknown>> } {
  const state = { logins: [] as Array<Record<string, unknown>> };
  server.use(
    http.post(`${ZIA}/authenticatedSession`, async ({ request }) => {
      state.logins.push((await request.json()) as Record<string, unknown>);
      const cookie = state.logins.length === 1 ? COOKIE : `JSESSIONID=SESSION${state.logins.length}; Path=/; Secure; HttpOnly`;
      return HttpResponse.json(fixture('zscaler', 'zia_authenticated_session_response.json'), { headers: { 'set-cookie': cookie } });
    }),
  );
  return state;
}

async function drain(spec: StreamSpec, cursor: string | null = null): Promise<{ records: unknown[]; cursors: Array<string | null> }> {
  const records: unknown[] = [];
  const cursors: Array<string | null> = [];
  for await (const page of spec.pages(cursor)) {
    records.push(...page.records);
    cursors.push(page.nextCursor);
  }
  return { records, cursors };
}

function streamNamed(c: ZscalerConnector, name: string): StreamSpec {
  const s = c.streams({ syncType: 'full', since: null }).find((x) => x.name === name);
  if (!s) throw new Error(`no stream ${name}`);
  return s;
}

function usersPages(onPage?: (page: number, cookie: string | null) => Response | undefined): void {
  const pages = ['zia_users_page1.json', 'zia_users_page2.json', 'zia_users_page3_empty.json'];
  server.use(
    http.get(`${ZIA}/users`, ({ request }) => {
      const page = Number(new URL(request.url).searchParams.get('page'));
      return onPage?.(page, request.headers.get('cookie')) ?? HttpResponse.json(fixture('zscaler', pages[page - 1]));
    }),
  );
}

describe('ZIA legacy session', () => {
  it('logs in with the obfuscated key and the same millisecond timestamp the fixture shows', async () => {
    const login = ziaLogin();
    usersPages();
    await drain(streamNamed(connector({ ziaPageSize: 3 }), 'zia-users'));
    expect(login.logins[0]).toEqual({ ...fixture<Record<string, unknown>>('zscaler', 'zia_authenticated_session_request.json'), password: 'admin-password' });
  });

  it('sends the JSESSIONID cookie from the login on every call', async () => {
    ziaLogin();
    const cookies: Array<string | null> = [];
    // msw keeps a cookie jar of its own in Node; the first pair is the header the client set.
    usersPages((_page, cookie) => void cookies.push(cookie?.split(';')[0] ?? null) as undefined);
    await drain(streamNamed(connector({ ziaPageSize: 3 }), 'zia-users'));
    expect(cookies).toEqual(['JSESSIONID=4A1B2C3D4E5F60718293A4B5C6D7E8F9', 'JSESSIONID=4A1B2C3D4E5F60718293A4B5C6D7E8F9']);
  });

  it('pages users until a short page and yields every user', async () => {
    ziaLogin();
    usersPages();
    const { records, cursors } = await drain(streamNamed(connector({ ziaPageSize: 3 }), 'zia-users'));
    expect([records.length, cursors]).toEqual([4, ['{"page":2,"size":3}', null]]);
  });

  it('resumes from a saved cursor at exactly that page', async () => {
    ziaLogin();
    const pagesAsked: number[] = [];
    usersPages((page) => void pagesAsked.push(page) as undefined);
    await drain(streamNamed(connector({ ziaPageSize: 3 }), 'zia-users'), '{"page":2,"size":3}');
    expect(pagesAsked).toEqual([2]);
  });

  it('logs in again once when the session expires mid-sync and finishes the sync', async () => {
    const login = ziaLogin();
    let expired = false;
    usersPages((page) => {
      if (page === 2 && !expired) {
        expired = true;
        return HttpResponse.json(fixture('zscaler', 'zia_session_not_valid_401.json'), { status: 401 });
      }
      return undefined;
    });
    const { records } = await drain(streamNamed(connector({ ziaPageSize: 3 }), 'zia-users'));
    expect([records.length, login.logins.length]).toEqual([4, 2]);
  });

  it('surfaces an auth error when the new session is refused too', async () => {
    ziaLogin();
    usersPages(() => HttpResponse.json(fixture('zscaler', 'zia_session_not_valid_401.json'), { status: 401 }));
    await expect(drain(streamNamed(connector({ ziaPageSize: 3 }), 'zia-users'))).rejects.toMatchObject({ kind: 'auth', extra: { vendorCode: 'SESSION_NOT_VALID' } });
  });

  it('logs in again before a call once the session sat idle past the configured timeout', async () => {
    const login = ziaLogin();
    usersPages();
    const c = connector({ ziaPageSize: 3, ziaSessionIdleSeconds: 1 });
    await drain(streamNamed(c, 'zia-users'));
    await new Promise((r) => setTimeout(r, 1100));
    await drain(streamNamed(c, 'zia-users'));
    expect(login.logins.length).toBe(2);
  });

  it('fails with an auth error when ZIA refuses the login', async () => {
    server.use(http.post(`${ZIA}/authenticatedSession`, () => HttpResponse.json(fixture('zscaler', 'zia_auth_failed_401.json'), { status: 401 })));
    await expect(drain(streamNamed(connector(), 'zia-users'))).rejects.toMatchObject({ kind: 'auth', extra: { vendorCode: 'AUTHENTICATION_FAILED' } });
  });
});

describe('ZPA', () => {
  function zpaSignin(): { forms: string[] } {
    const state = { forms: [] as string[] };
    server.use(
      http.post(`${ZPA_HOST}/signin`, async ({ request }) => {
        state.forms.push(await request.text());
        return HttpResponse.json(fixture('zscaler', 'zpa_signin_response.json'));
      }),
    );
    return state;
  }

  it('signs in with a form-encoded client id and secret and sends the bearer token', async () => {
    const signin = zpaSignin();
    let auth: string | null = null;
    server.use(
      http.get(`${ZPA}/application`, ({ request }) => {
        auth = request.headers.get('authorization');
        return HttpResponse.json(fixture('zscaler', 'zpa_application_segments_empty.json'));
      }),
    );
    await drain(streamNamed(connector(), 'zpa-application-segments'));
    expect([signin.forms[0], auth]).toEqual(['client_id=zpa-id&client_secret=zpa-secret', 'Bearer eyJhbGciOiJSUzI1NiJ9.e30.invented-signature']);
  });

  it('reads every page up to a totalPages sent as a string, with the same page size each time', async () => {
    zpaSignin();
    const asked: string[] = [];
    server.use(
      http.get(`${ZPA}/application`, ({ request }) => {
        const q = new URL(request.url).searchParams;
        asked.push(`${q.get('page')}/${q.get('pagesize')}`);
        return HttpResponse.json(fixture('zscaler', `zpa_application_segments_page${q.get('page')}.json`));
      }),
    );
    const { records } = await drain(streamNamed(connector({ zpaPageSize: 2 }), 'zpa-application-segments'));
    expect([records.length, asked]).toEqual([3, ['1/2', '2/2']]);
  });

  it('reads every page up to a totalPages sent as a number, ignoring totalCount', async () => {
    zpaSignin();
    const rule = fixture<{ list: unknown[] }>('zscaler', 'zpa_policy_rules_page.json').list[0] as Record<string, unknown>;
    server.use(
      http.get(`${ZPA}/policySet/rules/policyType/ACCESS_POLICY`, ({ request }) => {
        const page = new URL(request.url).searchParams.get('page');
        return HttpResponse.json({ totalPages: 3, totalCount: '0', list: [{ ...rule, id: `rule-${page}` }] });
      }),
    );
    const { records } = await drain(streamNamed(connector(), 'zpa-access-rules'));
    expect(records.map((r) => (r as { externalId: string }).externalId)).toEqual(['zpa-access-rule:rule-1', 'zpa-access-rule:rule-2', 'zpa-access-rule:rule-3']);
  });

  it('treats a page without a list key as empty', async () => {
    zpaSignin();
    server.use(http.get(`${ZPA}/application`, () => HttpResponse.json(fixture('zscaler', 'zpa_application_segments_empty.json'))));
    const { records, cursors } = await drain(streamNamed(connector(), 'zpa-application-segments'));
    expect([records, cursors]).toEqual([[], [null]]);
  });
});

describe('Client Connector', () => {
  it('logs in, sends the JWT as auth-token and joins each device to its serial from the details', async () => {
    const tokens: Array<string | null> = [];
    server.use(
      http.post(`${ZCC}/auth/v1/login`, () => HttpResponse.json(fixture('zscaler', 'zcc_login_response.json'))),
      http.get(`${ZCC}/public/v1/getDevices`, ({ request }) => {
        tokens.push(request.headers.get('auth-token'));
        return HttpResponse.json(fixture('zscaler', 'zcc_devices_page1.json'));
      }),
      http.get(`${ZCC}/public/v1/getDeviceDetails`, ({ request }) => {
        const udid = new URL(request.url).searchParams.get('udid');
        const details = fixture<Record<string, unknown>>('zscaler', 'zcc_device_details.json');
        return HttpResponse.json({ ...details, serialNumber: udid?.startsWith('1A2B') ? details.serialNumber : `SER-${udid?.slice(7, 11)}` });
      }),
    );
    const { records } = await drain(streamNamed(connector({ zccPageSize: 50 }), 'zcc-devices'));
    expect([tokens[0], (records as Array<{ serialNumber: string }>).map((r) => r.serialNumber)]).toEqual([fixture<{ jwtToken: string }>('zscaler', 'zcc_login_response.json').jwtToken, ['FVFXK2EXAMP1', 'SER-42-0', 'SER-42-1']]);
  });
});

describe('OneAPI', () => {
  function oneApi(): { forms: string[]; auth: Array<string | null> } {
    const state = { forms: [] as string[], auth: [] as Array<string | null> };
    server.use(
      http.post('https://northwind.zslogin.net/oauth2/v1/token', async ({ request }) => {
        state.forms.push(await request.text());
        return HttpResponse.json(fixture('zscaler', 'oneapi_token_response.json'));
      }),
      http.get('https://api.zsapi.net/zia/api/v1/users', ({ request }) => {
        state.auth.push(request.headers.get('authorization'));
        return HttpResponse.json(fixture('zscaler', 'zia_users_page2.json'));
      }),
    );
    return state;
  }
  const oneApiConnector = (): ZscalerConnector => connector({ authGeneration: 'oneapi', vanityDomain: 'northwind', zpaCustomerId: undefined }, { client_id: 'oauth-client', client_secret: 'oauth-secret' }, null);

  it('asks ZIdentity for a client-credentials token with the Zscaler audience', async () => {
    const state = oneApi();
    await drain(streamNamed(oneApiConnector(), 'zia-users'));
    expect(state.forms).toEqual(['grant_type=client_credentials&client_id=oauth-client&client_secret=oauth-secret&audience=https%3A%2F%2Fapi.zscaler.com']);
  });

  it('sends the token as a bearer to the ZIA paths of the OneAPI gateway', async () => {
    const state = oneApi();
    const { records } = await drain(streamNamed(oneApiConnector(), 'zia-users'));
    expect([records.length, state.auth[0]]).toEqual([1, `Bearer ${fixture<{ access_token: string }>('zscaler', 'oneapi_token_response.json').access_token}`]);
  });

  it('maps the gateway 401 body to an auth error after one token renewal', async () => {
    const state = oneApi();
    server.use(http.get('https://api.zsapi.net/zia/api/v1/users', () => HttpResponse.json(fixture('zscaler', 'oneapi_401.json'), { status: 401 })));
    await expect(drain(streamNamed(oneApiConnector(), 'zia-users'))).rejects.toMatchObject({ kind: 'auth' });
    expect(state.forms.length).toBe(2);
  });
});

describe('compliance push through the ZIA quarantine group', () => {
  const QUARANTINE = { id: 24326901, name: 'Quarantine-Risky-Devices' };
  const MINA_UDID = 'VMware-42-02-38-a5-5f-9c-86-39-ff-5a-d0-60-5c-35-68-90:D630C3617830C5C0B2DDE986EA7D994324C4EC1D';

  /** A ZIA tenant: Mina's user, the quarantine group, an edit lock held for `lockedPuts` PUTs, and activation. */
  function tenant(opts: { lockedPuts?: number; lockedActivations?: number; statusAfterActivate?: string[]; inQuarantine?: boolean } = {}) {
    const state = { puts: [] as Array<Record<string, unknown>>, putAttempts: 0, activations: 0, activationAttempts: 0, statusPolls: 0 };
    const mina = fixture<Array<Record<string, unknown>>>('zscaler', 'zia_users_page1.json')[1];
    const groups = opts.inQuarantine === false ? [{ id: 24326814, name: 'Engineering' }] : (mina.groups as unknown[]);
    const statuses = [...(opts.statusAfterActivate ?? ['ACTIVE'])];
    ziaLogin();
    server.use(
      http.post(`${ZCC}/auth/v1/login`, () => HttpResponse.json(fixture('zscaler', 'zcc_login_response.json'))),
      http.get(`${ZCC}/public/v1/getDeviceDetails`, () => HttpResponse.json({ ...fixture<Record<string, unknown>>('zscaler', 'zcc_device_details.json'), user_name: 'mina.okafor@example.com', type: 3 })),
      http.get(`${ZIA}/users`, () => HttpResponse.json([{ ...mina, groups }])),
      http.get(`${ZIA}/groups`, () => HttpResponse.json(fixture('zscaler', 'zia_groups.json'))),
      http.put(`${ZIA}/users/:id`, async ({ request }) => {
        state.putAttempts++;
        if (state.putAttempts <= (opts.lockedPuts ?? 0)) return HttpResponse.json(fixture('zscaler', 'zia_edit_lock_409.json'), { status: 409 });
        const body = (await request.json()) as Record<string, unknown>;
        state.puts.push(body);
        return HttpResponse.json(body);
      }),
      http.post(`${ZIA}/status/activate`, () => {
        state.activationAttempts++;
        if (state.activationAttempts <= (opts.lockedActivations ?? 0)) return HttpResponse.json(fixture('zscaler', 'zia_edit_lock_409.json'), { status: 409 });
        state.activations++;
        return HttpResponse.json(fixture('zscaler', 'zia_status_pending.json'));
      }),
      http.get(`${ZIA}/status`, () => {
        state.statusPolls++;
        return HttpResponse.json({ status: statuses.length > 1 ? statuses.shift() : statuses[0] });
      }),
    );
    return state;
  }

  it('adds the device user to the quarantine group, activates, and says so', async () => {
    const state = tenant({ inQuarantine: false });
    const result = await connector().pushCompliance(MINA_UDID, { isCompliant: false, complianceScore: 40, violations: ['filevault_disabled'] });
    expect([result.vendorReference, result.summary.groupChange, result.summary.activation, state.activations]).toEqual(['zia-user:165215336', 'added', 'active', 1]);
  });

  it('puts the full user back with the quarantine group added', async () => {
    const state = tenant({ inQuarantine: false });
    await connector().pushCompliance(MINA_UDID, { isCompliant: false, complianceScore: 40, violations: [] });
    expect(state.puts[0]).toMatchObject({ id: 165215336, email: 'mina.okafor@example.com', groups: [{ id: 24326814, name: 'Engineering' }, QUARANTINE] });
  });

  it('backs off while another admin holds the edit lock, then writes and activates', async () => {
    const state = tenant({ inQuarantine: false, lockedPuts: 2 });
    const result = await connector().pushCompliance(MINA_UDID, { isCompliant: false, complianceScore: null, violations: [] });
    expect([state.putAttempts, state.puts.length, state.activations, result.summary.activation]).toEqual([3, 1, 1, 'active']);
  });

  it('gives up with a transient error when the edit lock outlasts every backoff', async () => {
    tenant({ inQuarantine: false, lockedPuts: 10 });
    await expect(connector().pushCompliance(MINA_UDID, { isCompliant: false, complianceScore: null, violations: [] })).rejects.toMatchObject({ kind: 'transient', extra: { vendorCode: 'EDIT_LOCK_NOT_AVAILABLE' } });
  });

  it('polls the status until activation settles', async () => {
    const state = tenant({ inQuarantine: false, statusAfterActivate: ['INPROGRESS', 'INPROGRESS', 'ACTIVE'] });
    const result = await connector().pushCompliance(MINA_UDID, { isCompliant: false, complianceScore: null, violations: [] });
    expect([state.statusPolls, result.summary.activationStatus]).toEqual([3, 'ACTIVE']);
  });

  it('reports pending activation when ZIA does not settle before the timeout', async () => {
    tenant({ inQuarantine: false, statusAfterActivate: ['PENDING'] });
    const result = await connector({ activationTimeoutSeconds: 1, activationPollMs: 100 }).pushCompliance(MINA_UDID, { isCompliant: false, complianceScore: null, violations: [] });
    expect(result.summary.activation).toBe('pending_activation');
  });

  it('takes a compliant device user out of the quarantine group', async () => {
    const state = tenant({ inQuarantine: true });
    const result = await connector().pushCompliance(MINA_UDID, { isCompliant: true, complianceScore: 95, violations: [] });
    expect([result.summary.groupChange, state.puts[0].groups]).toEqual(['removed', [{ id: 24326814, name: 'Engineering' }]]);
  });

  it('changes and activates nothing when membership is already right', async () => {
    const state = tenant({ inQuarantine: true });
    const result = await connector().pushRiskScore(MINA_UDID, { totalRiskScore: 88, riskLevel: 'high', riskFactors: [] });
    expect([result.summary.groupChange, state.puts.length, state.activations]).toEqual(['unchanged', 0, 0]);
  });

  it('stages the change without activating when the caller defers activation, and says it awaits one', async () => {
    const state = tenant({ inQuarantine: false });
    const result = await connector().pushCompliance(MINA_UDID, { isCompliant: false, complianceScore: 40, violations: [] }, { deferActivation: true });
    expect([result.awaitsActivation, result.summary.groupChange, result.summary.activation, state.puts.length, state.activations]).toEqual([true, 'added', 'deferred', 1, 0]);
  });

  it('lets an unchanged membership await the activation too when deferred (a staged change reads as current)', async () => {
    const state = tenant({ inQuarantine: true });
    const result = await connector().pushRiskScore(MINA_UDID, { totalRiskScore: 88, riskLevel: 'high', riskFactors: [] }, { deferActivation: true });
    expect([result.awaitsActivation, result.summary.groupChange, state.puts.length, state.activations]).toEqual([true, 'unchanged', 0, 0]);
  });

  it('activates every staged change once, backing off an edit lock and polling until ACTIVE', async () => {
    const state = tenant({ inQuarantine: false, lockedActivations: 2, statusAfterActivate: ['INPROGRESS', 'ACTIVE'] });
    const c = connector();
    await c.pushCompliance(MINA_UDID, { isCompliant: false, complianceScore: 40, violations: [] }, { deferActivation: true });
    await c.pushRiskScore(MINA_UDID, { totalRiskScore: 90, riskLevel: 'critical', riskFactors: [] }, { deferActivation: true });
    const outcome = await c.activateStaged();
    expect([outcome, state.activationAttempts, state.activations]).toEqual([{ status: 'ACTIVE', settled: true, polls: 2 }, 3, 1]);
  });

  it('reports an activation that does not settle before the timeout as not settled', async () => {
    tenant({ inQuarantine: false, statusAfterActivate: ['INPROGRESS'] });
    const outcome = await connector({ activationTimeoutSeconds: 1, activationPollMs: 100 }).activateStaged();
    expect([outcome.settled, outcome.status]).toEqual([false, 'INPROGRESS']);
  });

  it('never activates during a read-only full sync', async () => {
    const state = tenant();
    server.use(
      http.get(`${ZIA}/departments`, () => HttpResponse.json(fixture('zscaler', 'zia_departments.json'))),
      http.get(`${ZIA}/urlFilteringRules`, () => HttpResponse.json(fixture('zscaler', 'zia_url_filtering_rules.json'))),
      http.get(`${ZIA}/firewallFilteringRules`, () => HttpResponse.json([FIREWALL_RULE])),
    );
    const c = connector({ products: ['zia'] });
    for (const s of c.streams({ syncType: 'full', since: null })) await drain(s);
    expect([state.activations, state.puts.length]).toEqual([0, 0]);
  });
});

describe('ZIA cloud firewall filtering rules', () => {
  it('reads every page of firewall rules as policies beside the URL rules', async () => {
    ziaLogin();
    const asked: string[] = [];
    const rules = Array.from({ length: 5 }, (_v, k) => ({ ...FIREWALL_RULE, id: FIREWALL_RULE.id + k, name: `Firewall rule ${k + 1}`, order: k + 1, state: k === 3 ? 'DISABLED' : 'ENABLED' }));
    server.use(
      http.get(`${ZIA}/firewallFilteringRules`, ({ request }) => {
        const q = new URL(request.url).searchParams;
        asked.push(`${q.get('page')}/${q.get('pageSize')}`);
        const page = Number(q.get('page'));
        return HttpResponse.json(rules.slice((page - 1) * 2, page * 2));
      }),
    );
    const { records } = await drain(streamNamed(connector({ ziaPageSize: 2 }), 'zia-firewall-filtering-rules'));
    expect([asked, (records as Array<{ externalId: string; policyType: string; enabled: boolean }>).map((r) => [r.externalId, r.policyType, r.enabled])]).toEqual([
      ['1/2', '2/2', '3/2'],
      rules.map((r) => [`zia-firewall-rule:${r.id}`, 'zia_firewall_filtering_rule', r.state === 'ENABLED']),
    ]);
  });

  it('stops instead of looping when ZIA ignores the page and sends the same rules again', async () => {
    ziaLogin();
    let calls = 0;
    server.use(http.get(`${ZIA}/firewallFilteringRules`, () => (calls++, HttpResponse.json([FIREWALL_RULE, { ...FIREWALL_RULE, id: FIREWALL_RULE.id + 1 }]))));
    const { records } = await drain(streamNamed(connector({ ziaPageSize: 2 }), 'zia-firewall-filtering-rules'));
    expect([records.length, calls]).toEqual([2, 2]);
  });
});

describe('Client Connector commands', () => {
  function removal(): { bodies: Array<{ path: string; body: unknown }> } {
    const state = { bodies: [] as Array<{ path: string; body: unknown }> };
    server.use(
      http.post(`${ZCC}/auth/v1/login`, () => HttpResponse.json(fixture('zscaler', 'zcc_login_response.json'))),
      http.get(`${ZCC}/public/v1/getDeviceDetails`, () => HttpResponse.json({ ...fixture<Record<string, unknown>>('zscaler', 'zcc_device_details.json'), user_name: 'mina.okafor@example.com', type: 3 })),
      http.post(`${ZCC}/public/v1/:action`, async ({ request, params }) => {
        state.bodies.push({ path: String(params.action), body: await request.json() });
        return HttpResponse.json(fixture('zscaler', 'zcc_remove_devices_response.json'));
      }),
    );
    return state;
  }
  const udid = fixture<{ udids: string[] }>('zscaler', 'zcc_remove_devices_request.json').udids[0];

  it.each([
    ['remove_device', 'removeDevices', 'zcc_remove_devices_request.json'],
    ['force_remove_device', 'forceRemoveDevices', 'zcc_force_remove_devices_request.json'],
  ])('%s posts the body the fixture shows to %s', async (command, path, body) => {
    const state = removal();
    const result = await connector().runCommand(udid, { command, params: {} });
    expect([result.status, state.bodies[0]]).toEqual(['completed', { path, body: fixture('zscaler', body) }]);
  });

  it('reports a forced removal ZCC refused as failed with its message', async () => {
    removal();
    server.use(http.post(`${ZCC}/public/v1/forceRemoveDevices`, () => HttpResponse.json(fixture('zscaler', 'zcc_force_remove_devices_error_400.json'), { status: 400 })));
    await expect(connector().runCommand(udid, { command: 'force_remove_device', params: {} })).rejects.toMatchObject({ kind: 'rejected', message: 'Client Connector refused: No devices to delete' });
  });
});

describe('rate limits', () => {
  function limitedOnce(headers: Record<string, string>, body: unknown): { calls: number[] } {
    const state = { calls: [] as number[] };
    ziaLogin();
    server.use(
      http.get(`${ZIA}/urlFilteringRules`, () => {
        state.calls.push(Date.now());
        return state.calls.length === 1 ? HttpResponse.json(body, { status: 429, headers }) : HttpResponse.json([]);
      }),
    );
    return state;
  }

  it('waits at least a second after a "0 seconds" Retry-After instead of spinning', async () => {
    const legacy = fixture<{ headers: Record<string, string>; body: unknown }>('zscaler', 'zia_429_legacy.json');
    const state = limitedOnce(legacy.headers, legacy.body);
    await drain(streamNamed(connector({ products: ['zia'] }), 'zia-url-filtering-rules'));
    expect([state.calls.length, state.calls[1] - state.calls[0] >= 950]).toEqual([2, true]);
  });

  it('ends with a rate-limited error carrying the retry time when the wait passes the cap', async () => {
    const state = limitedOnce({ 'retry-after': '120' }, { message: 'Rate Limit (1/SECOND) exceeded' });
    const started = Date.now();
    const err = await drain(streamNamed(connector({ products: ['zia'], maxRetryWaitSeconds: 5 }), 'zia-url-filtering-rules')).catch((e: unknown) => e);
    expect(isConnectorError(err, 'rate_limited')).toBe(true);
    const retryInSeconds = Math.round(((err as { retryAt: Date }).retryAt.getTime() - started) / 1000);
    expect([state.calls.length, retryInSeconds]).toEqual([1, 120]);
  });
});
