/**
 * Per-vendor profiles for the connector conformance suite (`conformance.test.ts`): how to build
 * each connector against msw, which handlers serve its fixture pages, its signed webhook fixture,
 * and the error fixtures with the one kind each must map to. Test-only: excluded from the build.
 */
import { generateKeyPairSync } from 'node:crypto';
import { http, HttpResponse, type RequestHandler } from 'msw';
import { fixture, fixtureText } from '@trustsync/testing';
import type { IntegrationType } from '@trustsync/model';
import type { Connector, ConnectorErrorKind, Credentials, StreamEntity, WebhookDelivery } from './index';

/** The id every conformance integration has; private correlation keys name it. */
export const INTEGRATION_ID = 'INT-CONFORMANCE';

/** How one error fixture is served and which connector call meets it. */
export interface ErrorCase {
  /** The fixture file the answer comes from (several cases may share one). */
  file: string;
  label?: string;
  /** The answer: status, headers and body exactly as the fixture gives them. */
  answer: () => Response;
  /** The one kind this answer must become. */
  kind: ConnectorErrorKind;
  /** Settings this case adds (a lower in-process retry cap, so a long wait surfaces at once). */
  settings?: Record<string, unknown>;
  /** Credentials this case adds (a signing key). */
  credentials?: () => Credentials;
  /** An endpoint other than the profile's (a OneAPI integration names none). */
  endpoint?: string | null;
  /** Requests before the failing one (a token, a login) and the failing route answering `answer`. */
  handlers: (answer: () => Response) => RequestHandler[];
  call: (c: Connector) => Promise<unknown>;
  /** How many times the failing route is asked: above one when the client retries it in-process first. */
  failingCalls?: number;
}

/** A signed (or secret-carrying) webhook fixture and a tampered copy of it. */
export interface WebhookSample {
  label: string;
  delivery: WebhookDelivery;
  secret: string;
  settings: Record<string, unknown>;
  at: Date;
  /** What was changed in the tampered copy: the body for signed schemes, the secret header for static-secret ones. */
  tampering: 'body' | 'secret header';
  tampered: WebhookDelivery;
  /** Events the verified body parses into. */
  events: number;
}

/** One vendor as the conformance suite drives it. */
export interface VendorProfile {
  type: IntegrationType;
  endpoint: string | null;
  region?: string | null;
  authType: string;
  settings: Record<string, unknown>;
  credentials: Credentials;
  /** The connector's clock (fixture windows are fixed in time). */
  now?: Date;
  /** Handlers that answer every request of a full sync from the fixture pages. */
  pages: () => RequestHandler[];
  /** What a full sync over those pages must yield. */
  expected: {
    records: Partial<Record<StreamEntity, number>>;
    deviceKeys: string[];
    userKeys: string[];
  };
  webhooks: WebhookSample[];
  errors: ErrorCase[];
  /** Fixture files whose names look like errors but that are not an HTTP failure, with where they are covered. */
  notErrorAnswers?: Record<string, string>;
}

/** Reads a raw HTTP head fixture (`.headers`, `.http`): the first line is the status or request line. */
export function headFixture(vendor: string, file: string): Headers {
  const headers = new Headers();
  for (const line of fixtureText(vendor, file).split(/\r?\n/).slice(1)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim();
    // The recorded length belongs to the recorded body, not to the one msw sends.
    if (/^(content-length|transfer-encoding)$/i.test(name)) continue;
    headers.append(name, line.slice(i + 1).trim());
  }
  return headers;
}

/** The same head as a plain lower-cased map, as a webhook ingress hands it over. */
function headRecord(vendor: string, file: string): Record<string, string> {
  return Object.fromEntries([...headFixture(vendor, file).entries()]);
}

function delivery(headers: Record<string, string>, body: string, method = 'POST'): WebhookDelivery {
  return { method, headers, query: {}, rawBody: Buffer.from(body) };
}

/** A copy of `body` with its first digit changed: same length, different bytes. */
function alterBody(body: string): string {
  const i = body.search(/\d/);
  return `${body.slice(0, i)}${body[i] === '9' ? '8' : '9'}${body.slice(i + 1)}`;
}

/** `{status, headers, body}` fixtures (Zscaler, Seraphic) as a response. */
function enveloped(vendor: string, file: string): () => Response {
  const f = fixture<{ status: number; headers: Record<string, string>; body: unknown }>(vendor, file);
  return () => HttpResponse.json(f.body as object, { status: f.status, headers: f.headers });
}

/** A JSON fixture answered with `status`, and the raw head fixture `headersFile` when it has one. */
const json = (vendor: string, file: string, status: number, headersFile?: string) => () =>
  HttpResponse.json(fixture<object>(vendor, file), { status, headers: headersFile ? headFixture(vendor, headersFile) : undefined });

// ---------------------------------------------------------------------------------------------
// Kandji: https://northwind.api.kandji.io, bearer token. No webhooks (Kandji has none).

const KANDJI_API = 'https://northwind.api.kandji.io/api/v1';
const KANDJI_DEVICE = '6b1f2e3d-4c5b-4a69-8877-665544332211';

const kandji: VendorProfile = {
  type: 'kandji',
  endpoint: null,
  authType: 'bearer',
  settings: { subdomain: 'northwind' },
  credentials: { api_key: 'kandji-conformance-token' },
  pages: () => [
    http.get(`${KANDJI_API}/blueprints`, () => HttpResponse.json(fixture('kandji', 'blueprints.json'))),
    // The fixture pages were recorded with limit=2; at the connector's limit of 300 one page holds all three devices.
    http.get(`${KANDJI_API}/devices`, ({ request }) =>
      HttpResponse.json(new URL(request.url).searchParams.get('offset') === '0' ? [...fixture<object[]>('kandji', 'devices_page1.json'), ...fixture<object[]>('kandji', 'devices_page2.json')] : []),
    ),
    http.get(`${KANDJI_API}/prism/:category`, ({ params }) => HttpResponse.json(fixture('kandji', `prism_${String(params.category)}.json`))),
    http.get(`${KANDJI_API}/users`, ({ request }) => HttpResponse.json(fixture('kandji', new URL(request.url).searchParams.has('cursor') ? 'users_page2.json' : 'users_page1.json'))),
    http.get(`${KANDJI_API}/behavioral-detections`, () => HttpResponse.json(fixture('kandji', 'behavioral_detections.json'))),
    http.get(`${KANDJI_API}/threat-details`, () => HttpResponse.json(fixture('kandji', 'threat_details.json'))),
  ],
  expected: {
    records: { policy: 2, device: 3, device_posture: 1, user: 3, detection: 2 },
    deviceKeys: ['serial:C02EXAMP3QZ', 'serial:DMPXQ7EXAMP2', 'serial:FVFXK2EXAMP1'],
    userKeys: ['email:ava.reyes@example.com', 'email:mina.okafor@example.com', 'email:noah.lindqvist@example.com'],
  },
  webhooks: [],
  // The envelope of a Kandji 400 is not documented: each documented text is served as {detail} and as plain text.
  errors: fixture<{ examples: string[] }>('kandji', 'action_errors_400.json').examples.flatMap((text): ErrorCase[] =>
    (['detail', 'text'] as const).map((shape) => ({
      file: 'action_errors_400.json',
      label: `"${text}" as ${shape === 'detail' ? '{detail}' : 'plain text'}`,
      answer: () => (shape === 'detail' ? HttpResponse.json({ detail: text }, { status: 400 }) : HttpResponse.text(text, { status: 400 })),
      kind: 'rejected',
      handlers: (answer) => [http.post(`${KANDJI_API}/devices/:id/action/lock`, answer)],
      call: (c) => c.runCommand!(KANDJI_DEVICE, { command: 'lock', params: {} }),
    })),
  ),
};

// ---------------------------------------------------------------------------------------------
// Okta: https://acme-sandbox.okta.com, SSWS token; event hooks carry a static secret header.

const OKTA = 'https://acme-sandbox.okta.com';
const OKTA_HOOK_SECRET = 'okta-hook-secret-EXAMPLE-7f3c9a1e';
const oktaHookBody = fixtureText('okta', 'event-hook-delivery.json');
const oktaHookHeaders = headRecord('okta', 'event-hook-delivery.headers');

const okta: VendorProfile = {
  type: 'okta',
  endpoint: OKTA,
  authType: 'api_token',
  // Group memberships need a member list per group, which the fixtures do not have.
  settings: { groupMemberships: 'none' },
  credentials: { api_key: 'okta-conformance-token' },
  pages: () => [
    http.get(`${OKTA}/api/v1/users`, ({ request }) => {
      const last = new URL(request.url).searchParams.has('after');
      return HttpResponse.json(fixture<object>('okta', last ? 'users-page2.json' : 'users-page1.json'), { headers: headFixture('okta', last ? 'users-page2.headers' : 'users-page1.headers') });
    }),
    http.get(`${OKTA}/api/v1/devices`, ({ request }) => (new URL(request.url).searchParams.has('after') ? HttpResponse.json([]) : HttpResponse.json(fixture<object>('okta', 'devices.json'), { headers: headFixture('okta', 'devices.headers') }))),
    http.get(`${OKTA}/api/v1/policies`, ({ request }) => {
      const type = new URL(request.url).searchParams.get('type');
      return HttpResponse.json(type === 'OKTA_SIGN_ON' ? fixture('okta', 'policies-okta-sign-on.json') : type === 'ACCESS_POLICY' ? fixture('okta', 'policies-access-policy.json') : []);
    }),
    http.get(`${OKTA}/api/v1/device-assurances`, () => HttpResponse.json(fixture('okta', 'device-assurances.json'))),
    // A polling System Log query always carries rel=next; the page after the fixture is empty (caught up).
    http.get(`${OKTA}/api/v1/logs`, ({ request }) =>
      HttpResponse.json(new URL(request.url).searchParams.has('after') ? [] : fixture<object>('okta', 'system-log-page.json'), { headers: headFixture('okta', 'system-log-page.headers') }),
    ),
  ],
  expected: {
    records: { user: 5, device: 4, policy: 5, detection: 3 },
    deviceKeys: ['serial:5CG1234XYZ', 'serial:C02ZZ0ZZZZZZ', `src:${INTEGRATION_ID}:guo1a2b3c4d5E6F7g8i1`, `src:${INTEGRATION_ID}:guo1a2b3c4d5E6F7g8i2`],
    userKeys: ['email:alice.nguyen@example.com', 'email:bruno.silva@example.com', 'email:chen.wei@example.com', 'email:dara.okafor@example.com', 'email:eli.moreau@example.com'],
  },
  webhooks: [
    {
      label: 'event-hook-delivery.json',
      delivery: delivery(oktaHookHeaders, oktaHookBody),
      secret: OKTA_HOOK_SECRET,
      settings: {},
      at: new Date('2026-01-01T00:01:00Z'),
      tampering: 'secret header',
      tampered: delivery({ ...oktaHookHeaders, authorization: OKTA_HOOK_SECRET.replace('7f3c', '7f3d') }, oktaHookBody),
      events: 3,
    },
  ],
  errors: [
    ...(
      [
        ['error-400-invalid-filter.json', 400, 'rejected'],
        ['error-401-invalid-token.json', 401, 'auth'],
        ['error-403-access-denied.json', 403, 'forbidden'],
        ['error-404-not-found.json', 404, 'not_found'],
      ] as const
    ).map(([file, status, kind]): ErrorCase => ({
      file,
      answer: json('okta', file, status),
      kind,
      handlers: (answer) => [http.get(`${OKTA}/api/v1/users`, answer)],
      call: (c) => c.testConnection(),
    })),
    {
      file: 'error-429.json',
      // reset − Date + 1 s = 31 s, above the 30 s the client waits in-process, so it surfaces at once.
      answer: json('okta', 'error-429.json', 429, 'error-429.headers'),
      kind: 'rate_limited',
      handlers: (answer) => [http.get(`${OKTA}/api/v1/users`, answer)],
      call: (c) => c.testConnection(),
    },
    {
      file: 'ssf-set-error-400.json',
      answer: json('okta', 'ssf-set-error-400.json', 400),
      kind: 'rejected',
      settings: { ssfIssuer: 'https://integration.example.net' },
      credentials: () => ({ ssf_private_key: oktaSsfKey() }),
      handlers: (answer) => [http.get(`${OKTA}/api/v1/devices/:id/users`, () => HttpResponse.json([])), http.post(`${OKTA}/security/api/v1/security-events`, answer)],
      call: (c) => c.pushCompliance!('guo1a2b3c4d5E6F7g8h9', { isCompliant: false, complianceScore: 10, violations: ['edr missing'] }),
    },
  ],
};

/** An SSF signing key for the Okta push case, made once. */
let ssfKey: string | undefined;
function oktaSsfKey(): string {
  ssfKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return ssfKey;
}

// ---------------------------------------------------------------------------------------------
// CrowdStrike Falcon: us-1, client credentials; the token answer's X-Cs-Region moves the tenant to us-2.

const FALCON_US1 = 'https://api.crowdstrike.com';
const FALCON = 'https://api.us-2.crowdstrike.com';
const falconHosts = fixture<{ resources: Array<{ device_id: string }> }>('crowdstrike', 'devices-entities-v2.json').resources;
const scrollPage1 = fixture<{ meta: { pagination: { offset: string } } }>('crowdstrike', 'devices-scroll-page1.json');
const scrollPage2 = fixture<{ meta: { pagination: { offset: string } } }>('crowdstrike', 'devices-scroll-page2.json');
const FALCON_SECRET = 'test-hmac-secret-0123456789abcdef0123456789abcdef';
const fusionBody = fixtureText('crowdstrike', 'webhook-fusion-delivery.body.json');
const fusionHeaders = headRecord('crowdstrike', 'webhook-fusion-delivery.headers');

/** The token endpoint of us-1, and of us-2 where the tenant lives once the first answer named it (later tokens come from there). */
const falconToken = () =>
  [FALCON_US1, FALCON].map((base) =>
    http.post(`${base}/oauth2/token`, () => HttpResponse.json(fixture<object>('crowdstrike', 'oauth2-token.json'), { status: 201, headers: headFixture('crowdstrike', 'oauth2-token.headers') })),
  );

const crowdstrike: VendorProfile = {
  type: 'crowdstrike',
  endpoint: null,
  region: 'us-1',
  authType: 'oauth_client_credentials',
  settings: {},
  credentials: { client_id: 'falcon-client', client_secret: 'falcon-secret' },
  pages: () => [
    ...falconToken(),
    http.get(`${FALCON}/devices/queries/devices-scroll/v1`, ({ request }) => {
      const offset = new URL(request.url).searchParams.get('offset');
      const file = !offset ? 'devices-scroll-page1.json' : offset === scrollPage1.meta.pagination.offset ? 'devices-scroll-page2.json' : offset === scrollPage2.meta.pagination.offset ? 'devices-scroll-end.json' : null;
      return file ? HttpResponse.json(fixture('crowdstrike', file)) : HttpResponse.json({ meta: {}, resources: [], errors: [{ code: 400, message: 'unknown offset' }] }, { status: 400 });
    }),
    // Falcon returns details only for the ids it knows; the entities fixture knows three of the scrolled hosts.
    http.get(`${FALCON}/devices/entities/devices/v2`, ({ request }) => {
      const ids = new URL(request.url).searchParams.getAll('ids');
      return HttpResponse.json({ meta: {}, resources: falconHosts.filter((h) => ids.includes(h.device_id)), errors: [] });
    }),
    http.get(`${FALCON}/devices/queries/devices-hidden/v1`, () => HttpResponse.json(fixture('crowdstrike', 'devices-hidden-query.json'))),
    http.get(`${FALCON}/policy/combined/prevention/v1`, () => HttpResponse.json(fixture('crowdstrike', 'prevention-policies-combined.json'))),
    http.post(`${FALCON}/alerts/combined/alerts/v1`, async ({ request }) => {
      const body = (await request.json()) as { after?: string };
      if (!body.after) return HttpResponse.json(fixture('crowdstrike', 'alerts-combined-v1-page1.json'));
      const second = fixture<{ resources: object[] }>('crowdstrike', 'alerts-entities-v2.json').resources[1];
      return HttpResponse.json({ meta: { pagination: { limit: 1, total: 2 } }, resources: [second], errors: [] });
    }),
  ],
  expected: {
    records: { device: 3, policy: 2, detection: 2 },
    deviceKeys: ['serial:5CG1234XYZ', 'serial:C02ZZ0ZZZZZZ', 'serial:EC2F1A2B000011112222333344445555'],
    userKeys: [],
  },
  webhooks: [
    {
      label: 'webhook-fusion-delivery',
      delivery: delivery(fusionHeaders, fusionBody),
      secret: FALCON_SECRET,
      settings: {},
      at: new Date('2026-01-01T00:02:30Z'),
      tampering: 'body',
      tampered: delivery(fusionHeaders, alterBody(fusionBody)),
      events: 1,
    },
  ],
  errors: [
    {
      file: 'error-401-invalid-bearer.json',
      // A 401 gets a fresh token and one replay; the replay is refused too.
      answer: json('crowdstrike', 'error-401-invalid-bearer.json', 401, 'error-401-invalid-bearer.headers'),
      kind: 'auth',
      handlers: (answer) => [...falconToken(), http.get(`${FALCON}/devices/queries/devices/v1`, answer)],
      call: (c) => c.testConnection(),
      failingCalls: 2,
    },
    {
      file: 'error-403-authorization-failed.json',
      answer: json('crowdstrike', 'error-403-authorization-failed.json', 403),
      kind: 'forbidden',
      handlers: (answer) => [...falconToken(), http.get(`${FALCON}/devices/queries/devices/v1`, answer)],
      call: (c) => c.testConnection(),
    },
    {
      file: 'error-429.json',
      // The recorded X-RateLimit-RetryAfter epoch has passed, so the client retries three times in-process before it surfaces.
      answer: json('crowdstrike', 'error-429.json', 429, 'error-429.headers'),
      kind: 'rate_limited',
      handlers: (answer) => [...falconToken(), http.get(`${FALCON}/devices/queries/devices/v1`, answer)],
      call: (c) => c.testConnection(),
      failingCalls: 4,
    },
    {
      file: 'oauth2-token-403.json',
      answer: json('crowdstrike', 'oauth2-token-403.json', 403),
      kind: 'auth',
      handlers: (answer) => [http.post(`${FALCON_US1}/oauth2/token`, answer)],
      call: (c) => c.testConnection(),
    },
  ],
  notErrorAnswers: {
    'devices-action-contain-partial-error.json': 'a 202 whose per-host error makes the command result failed (crowdstrike/connector.test.ts)',
  },
};

// ---------------------------------------------------------------------------------------------
// Zscaler (legacy logins): ZIA on zsapi.zscaler.net, ZPA, ZCC; NSS feeds carry a static bearer secret.

const ZIA = 'https://zsapi.zscaler.net/api/v1';
const ZPA_HOST = 'https://config.private.zscaler.com';
const ZPA = `${ZPA_HOST}/mgmtconfig/v1/admin/customers/216196257331281920`;
const ZCC = 'https://api-mobile.zscaler.net/papi';
const zccDetails = fixture<{ unique_id: string }>('zscaler', 'zcc_device_details.json');
const nss = fixture<{ request_headers: Record<string, string>; body: unknown }>('zscaler', 'nss_web_log_push.json');
const nssHeaders = Object.fromEntries(Object.entries(nss.request_headers).map(([k, v]) => [k.toLowerCase(), v]));
const NSS_SECRET = nssHeaders.authorization.replace(/^Bearer /, '');
const nssBody = JSON.stringify(nss.body);

const ziaLogin = () =>
  http.post(`${ZIA}/authenticatedSession`, () =>
    HttpResponse.json(fixture<object>('zscaler', 'zia_authenticated_session_response.json'), { headers: fixture<Record<string, string>>('zscaler', 'zia_authenticated_session_response_headers.json') }),
  );
const zpaSignin = () => http.post(`${ZPA_HOST}/signin`, () => HttpResponse.json(fixture('zscaler', 'zpa_signin_response.json')));
const zccLogin = () => http.post(`${ZCC}/auth/v1/login`, () => HttpResponse.json(fixture('zscaler', 'zcc_login_response.json')));
const zccOwner = () => http.get(`${ZCC}/public/v1/getDeviceDetails`, () => HttpResponse.json(fixture('zscaler', 'zcc_device_details.json')));
/** A bare-array ZIA list: the fixture pages in order (the last one is empty). */
const ziaList = (path: string, files: string[]) =>
  http.get(`${ZIA}${path}`, ({ request }) => HttpResponse.json(fixture<object[]>('zscaler', files[Math.min(Number(new URL(request.url).searchParams.get('page')), files.length) - 1])));

const zscaler: VendorProfile = {
  type: 'zscaler',
  endpoint: 'https://zsapi.zscaler.net',
  authType: 'legacy',
  // The fixture pages were recorded at these page sizes.
  settings: { zpaCustomerId: '216196257331281920', ziaPageSize: 3, zpaPageSize: 2 },
  credentials: { api_key: 'AbCdEfGhIjKl', client_id: 'api-admin@example.com', client_secret: 'admin-password', zpa_client_id: 'zpa-id', zpa_client_secret: 'zpa-secret', zcc_api_key: 'zcc-key', zcc_secret_key: 'zcc-secret' },
  now: new Date(1747734123456),
  pages: () => [
    ziaLogin(),
    ziaList('/users', ['zia_users_page1.json', 'zia_users_page2.json', 'zia_users_page3_empty.json']),
    http.get(`${ZIA}/groups`, ({ request }) => HttpResponse.json(new URL(request.url).searchParams.get('page') === '1' ? fixture('zscaler', 'zia_groups.json') : [])),
    http.get(`${ZIA}/departments`, ({ request }) => HttpResponse.json(new URL(request.url).searchParams.get('page') === '1' ? fixture('zscaler', 'zia_departments.json') : [])),
    http.get(`${ZIA}/urlFilteringRules`, () => HttpResponse.json(fixture('zscaler', 'zia_url_filtering_rules.json'))),
    // No firewall-rule traffic was recorded: an empty list (the sandbox and the connector tests serve SDK-shaped rules).
    http.get(`${ZIA}/firewallFilteringRules`, () => HttpResponse.json([])),
    zpaSignin(),
    http.get(`${ZPA}/application`, ({ request }) => HttpResponse.json(fixture('zscaler', `zpa_application_segments_page${new URL(request.url).searchParams.get('page')}.json`))),
    http.get(`${ZPA}/policySet/rules/policyType/ACCESS_POLICY`, () => HttpResponse.json(fixture('zscaler', 'zpa_policy_rules_page.json'))),
    zccLogin(),
    http.get(`${ZCC}/public/v1/getDevices`, ({ request }) => HttpResponse.json(fixture('zscaler', new URL(request.url).searchParams.get('page') === '1' ? 'zcc_devices_page1.json' : 'zcc_devices_page2_empty.json'))),
    // The details fixture is the first device's (its unique_id); the others have none, answered as a bare 404 (no serial then).
    http.get(`${ZCC}/public/v1/getDeviceDetails`, ({ request }) =>
      new URL(request.url).searchParams.get('udid') === zccDetails.unique_id ? HttpResponse.json(zccDetails) : new HttpResponse(null, { status: 404 }),
    ),
  ],
  expected: {
    records: { device: 3, user: 4, policy: 12 },
    deviceKeys: [
      'serial:FVFXK2EXAMP1',
      `src:${INTEGRATION_ID}:VMware-42-02-38-a5-5f-9c-86-39-ff-5a-d0-60-5c-35-68-90:D630C3617830C5C0B2DDE986EA7D994324C4EC1D`,
      `src:${INTEGRATION_ID}:VMware-42-1d-29-9b-7c-c5-3f-d2-90-3c-d5-4e-9c-75-6d-d0:19D0764C0D09DF81361B52530353FD5A52A34D68`,
    ],
    // The "Fallback User" has an empty email and stays private to the integration.
    userKeys: ['email:ava.reyes@example.com', 'email:jon.park@example.com', 'email:mina.okafor@example.com', `src:${INTEGRATION_ID}:162516680`],
  },
  webhooks: [
    {
      label: 'nss_web_log_push.json',
      delivery: delivery(nssHeaders, nssBody),
      secret: NSS_SECRET,
      settings: {},
      at: new Date('2025-05-20T09:48:00Z'),
      tampering: 'secret header',
      tampered: delivery({ ...nssHeaders, authorization: `Bearer ${NSS_SECRET}x` }, nssBody),
      events: 1,
    },
  ],
  errors: [
    {
      file: 'zia_auth_failed_401.json',
      answer: json('zscaler', 'zia_auth_failed_401.json', 401),
      kind: 'auth',
      settings: { products: ['zia'] },
      handlers: (answer) => [http.post(`${ZIA}/authenticatedSession`, answer)],
      call: (c) => c.testConnection(),
    },
    {
      file: 'zia_session_not_valid_401.json',
      // An expired session gets one new login and a replay; the replay is refused too.
      answer: json('zscaler', 'zia_session_not_valid_401.json', 401),
      kind: 'auth',
      settings: { products: ['zia'] },
      handlers: (answer) => [ziaLogin(), http.get(`${ZIA}/users`, answer)],
      call: (c) => c.testConnection(),
      failingCalls: 2,
    },
    {
      file: 'zia_429_legacy.json',
      // "0 seconds" means at least a second; with a one-second cap the client retries three times before it surfaces.
      answer: enveloped('zscaler', 'zia_429_legacy.json'),
      kind: 'rate_limited',
      settings: { products: ['zia'], maxRetryWaitSeconds: 1 },
      handlers: (answer) => [ziaLogin(), http.get(`${ZIA}/users`, answer)],
      call: (c) => c.testConnection(),
      failingCalls: 4,
    },
    {
      file: 'zia_edit_lock_409.json',
      answer: json('zscaler', 'zia_edit_lock_409.json', 409),
      kind: 'transient',
      settings: { products: ['zia', 'zcc'], editLockBackoffMs: [] },
      handlers: (answer) => [
        zccLogin(),
        zccOwner(),
        ziaLogin(),
        http.get(`${ZIA}/users`, () => HttpResponse.json(fixture('zscaler', 'zia_users_page1.json'))),
        http.get(`${ZIA}/groups`, () => HttpResponse.json(fixture('zscaler', 'zia_groups.json'))),
        http.put(`${ZIA}/users/:id`, answer),
      ],
      call: (c) => c.pushCompliance!(zccDetails.unique_id, { isCompliant: false, complianceScore: 30, violations: ['firewall off'] }),
    },
    {
      file: 'oneapi_401.json',
      // A rejected OneAPI token is renewed once; the gateway refuses the new one too.
      answer: json('zscaler', 'oneapi_401.json', 401),
      kind: 'auth',
      settings: { authGeneration: 'oneapi', vanityDomain: 'northwind', products: ['zia'], zpaCustomerId: undefined },
      endpoint: null,
      handlers: (answer) => [http.post('https://northwind.zslogin.net/oauth2/v1/token', () => HttpResponse.json(fixture('zscaler', 'oneapi_token_response.json'))), http.get('https://api.zsapi.net/zia/api/v1/users', answer)],
      call: (c) => c.testConnection(),
      failingCalls: 2,
    },
    {
      file: 'zpa_429.json',
      // Retry-After 4 s but the window resets in 48 s: above the cap, so it surfaces at once.
      answer: enveloped('zscaler', 'zpa_429.json'),
      kind: 'rate_limited',
      settings: { products: ['zpa'], maxRetryWaitSeconds: 1 },
      handlers: (answer) => [zpaSignin(), http.get(`${ZPA}/application`, answer)],
      call: (c) => c.testConnection(),
    },
    {
      file: 'zcc_force_remove_devices_error_400.json',
      answer: json('zscaler', 'zcc_force_remove_devices_error_400.json', 400),
      kind: 'rejected',
      settings: { products: ['zcc'] },
      handlers: (answer) => [zccLogin(), zccOwner(), http.post(`${ZCC}/public/v1/forceRemoveDevices`, answer)],
      call: (c) => c.runCommand!(zccDetails.unique_id, { command: 'force_remove_device', params: {} }),
    },
  ],
};

// ---------------------------------------------------------------------------------------------
// Seraphic (proposed contract): tenant URL + x-api-key, the Sentinel-style feed, HMAC-signed webhooks.

const SERAPHIC = 'https://tenant.seraphic.test';
const SERAPHIC_API = `${SERAPHIC}/api/v1`;
const sentinel = fixture<{ request: { url: string }; response_body: object[] }>('seraphic', 'sentinel_poll_events.json');
const FEED = sentinel.request.url.split('?')[0];

function seraphicWebhook(file: string): WebhookSample {
  const f = fixture<{ test_secret: string; headers: Record<string, string>; raw_body: string }>('seraphic', file);
  const headers = Object.fromEntries(Object.entries(f.headers).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    label: file,
    delivery: delivery(headers, f.raw_body),
    secret: f.test_secret,
    settings: {},
    at: new Date((Number(f.headers['X-Seraphic-Timestamp']) + 10) * 1000),
    tampering: 'body',
    tampered: delivery(headers, alterBody(f.raw_body)),
    events: 1,
  };
}

const seraphic: VendorProfile = {
  type: 'seraphic',
  endpoint: SERAPHIC,
  authType: 'api_key',
  // One five-minute feed window, the one the fixture request asked for.
  settings: { eventsUrl: FEED, eventsLookbackMinutes: 5, eventsWindowMinutes: 5 },
  credentials: { api_key: 'seraphic-conformance-key' },
  now: new Date('2025-05-20T09:05:00Z'),
  pages: () => [
    http.get(`${SERAPHIC_API}/endpoints`, ({ request }) => HttpResponse.json(fixture('seraphic', new URL(request.url).searchParams.has('cursor') ? 'proposed_endpoints_page2.json' : 'proposed_endpoints_page1.json'))),
    http.get(`${SERAPHIC_API}/users`, () => HttpResponse.json(fixture('seraphic', 'proposed_users.json'))),
    http.get(`${SERAPHIC_API}/policies`, () => HttpResponse.json(fixture('seraphic', 'proposed_policies.json'))),
    http.get(`${SERAPHIC_API}/detections`, () => HttpResponse.json(fixture('seraphic', 'proposed_detections.json'))),
    http.get(`${SERAPHIC_API}/dlp-violations`, () => HttpResponse.json(fixture('seraphic', 'proposed_dlp_violations.json'))),
    http.get(FEED, () => HttpResponse.json(sentinel.response_body)),
  ],
  expected: {
    // Detections: two threats, one DLP violation and the feed's one Alert (its Event is not a detection).
    records: { device: 3, user: 2, policy: 2, detection: 4 },
    deviceKeys: ['serial:5CG3EXAMPL', 'serial:FVFXK2EXAMP1', `src:${INTEGRATION_ID}:ep_00c1d2e3`],
    userKeys: ['email:ava.reyes@example.com', 'email:mina.okafor@example.com'],
  },
  webhooks: [seraphicWebhook('proposed_webhook_threat_detected.json'), seraphicWebhook('proposed_webhook_dlp_violation.json')],
  errors: [
    {
      file: 'proposed_429.json',
      // Retry-After 30 s is above a 10 s cap, so it surfaces at once instead of waiting in a worker.
      answer: enveloped('seraphic', 'proposed_429.json'),
      kind: 'rate_limited',
      settings: { maxRetryWaitSeconds: 10 },
      handlers: (answer) => [http.get(`${SERAPHIC_API}/endpoints`, answer)],
      call: (c) => c.testConnection(),
    },
  ],
};

/** Every vendor the conformance suite knows; a vendor in the registry without a profile fails the suite. */
export const PROFILES: Partial<Record<IntegrationType, VendorProfile>> = { kandji, okta, crowdstrike, zscaler, seraphic };
