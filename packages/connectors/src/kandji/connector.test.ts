import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { createLogger } from '@trustsync/core';
import { fixture } from '@trustsync/testing';
import { ConnectorError, LocalRateGate, MemoryTokenCache, type Connector, type Credentials, type StreamSpec } from '../core';
import type { CursorPage, KandjiDevice, KandjiUser, PrismPage, PrismPostureRow } from './api-types';
import { vendor } from './index';

const BASE = 'https://northwind.api.kandji.io';
const API = `${BASE}/api/v1`;
const TOKEN = 'kandji-test-token-123';
const server = setupServer();
const gates: LocalRateGate[] = [];

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(async () => {
  server.resetHandlers();
  await Promise.all(gates.splice(0).map((g) => g.close()));
});
afterAll(() => server.close());

function connector(opts: { credentials?: Credentials; now?: Date } = {}): Connector {
  const gate = new LocalRateGate({ requests: 10_000, periodSeconds: 3600, maxConcurrent: 8 });
  gates.push(gate);
  return vendor.create({
    integration: { id: 'INT_test', type: 'kandji', endpoint: null, region: null, apiVersion: null, authType: 'bearer', settings: { subdomain: 'northwind' } },
    credentials: opts.credentials ?? { api_key: TOKEN },
    gate,
    logger: createLogger({ service: 'kandji-test', silent: true }),
    tokenCache: new MemoryTokenCache(),
    now: () => opts.now ?? new Date(),
  });
}

function streamNamed(c: Connector, name: string): StreamSpec {
  const spec = c.streams({ syncType: 'full', since: null }).find((s) => s.name === name);
  if (!spec) throw new Error(`no stream ${name}`);
  return spec;
}

async function pagesOf(spec: StreamSpec, cursor: string | null = null) {
  const pages = [];
  for await (const page of spec.pages(cursor)) pages.push(page);
  return pages;
}

async function failureOf(promise: Promise<unknown>): Promise<ConnectorError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ConnectorError) return err;
    throw err;
  }
  throw new Error('expected a ConnectorError');
}

const template = fixture<KandjiDevice[]>('kandji', 'devices_page1.json')[0];
const generated = (count: number): KandjiDevice[] => Array.from({ length: count }, (_, i) => ({ ...template, device_id: `device-${i}`, serial_number: `SERIAL${i}` }));

/** Serves `devices` with Kandji's limit/offset over a bare array; returns the offsets asked for. */
function serveDevices(devices: KandjiDevice[]): number[] {
  const offsets: number[] = [];
  server.use(
    http.get(`${API}/devices`, ({ request }) => {
      const q = new URL(request.url).searchParams;
      const offset = Number(q.get('offset') ?? 0);
      offsets.push(offset);
      return HttpResponse.json(devices.slice(offset, offset + Number(q.get('limit'))));
    }),
  );
  return offsets;
}

describe('Kandji connector streams', () => {
  it('runs policies, devices, posture, users and detections in that order for a full sync', () => {
    expect(connector().streams({ syncType: 'full', since: null }).map((s) => s.name)).toEqual(['policies', 'devices', 'device_posture', 'users', 'detections']);
  });

  it('runs only the device and posture streams for a devices sync', () => {
    expect(connector().streams({ syncType: 'devices', since: null }).map((s) => s.name)).toEqual(['devices', 'device_posture']);
  });
});

describe('device paging', () => {
  // Two offsets are in flight at once, so one request past the end may be made (and may still be
  // on its way when the stream ends): assertions look at the offsets up to the end, and at the rest.
  const upTo = (offsets: number[], end: number) => [...offsets].filter((o) => o <= end).sort((a, b) => a - b);
  const pastEnd = (offsets: number[], end: number) => offsets.filter((o) => o > end);

  it('reads 650 devices in three pages at offsets 0, 300 and 600', async () => {
    const offsets = serveDevices(generated(650));
    const pages = await pagesOf(streamNamed(connector(), 'devices'));
    expect({ offsets: upTo(offsets, 600), counts: pages.map((p) => p.records.length) }).toEqual({ offsets: [0, 300, 600], counts: [300, 300, 50] });
  });

  it('asks for at most one offset past the end of the devices', async () => {
    const offsets = serveDevices(generated(650));
    await pagesOf(streamNamed(connector(), 'devices'));
    expect(pastEnd(offsets, 600).every((o) => o === 900)).toBe(true);
  });

  it('gives each page the next offset as its cursor and ends with null', async () => {
    serveDevices(generated(650));
    const pages = await pagesOf(streamNamed(connector(), 'devices'));
    expect(pages.map((p) => p.nextCursor)).toEqual(['300', '600', null]);
  });

  it('stops at the empty page when the tenant holds an exact multiple of 300', async () => {
    const offsets = serveDevices(generated(600));
    const pages = await pagesOf(streamNamed(connector(), 'devices'));
    expect({ offsets: upTo(offsets, 600), last: pages[pages.length - 1] }).toEqual({ offsets: [0, 300, 600], last: { records: [], nextCursor: null } });
  });

  it('resumes from a saved cursor at exactly that offset', async () => {
    const offsets = serveDevices(generated(650));
    const pages = await pagesOf(streamNamed(connector(), 'devices'), '300');
    expect({ offsets: upTo(offsets, 600), first: pages[0].records[0].externalId }).toEqual({ offsets: [300, 600], first: 'device-300' });
  });

  it('maps the fixture page to device records', async () => {
    serveDevices(fixture<KandjiDevice[]>('kandji', 'devices_page1.json'));
    const [page] = await pagesOf(streamNamed(connector(), 'devices'));
    expect(page.records.map((r) => r.externalId)).toEqual(['6b1f2e3d-4c5b-4a69-8877-665544332211', 'a0b1c2d3-e4f5-4a6b-9c8d-7e6f5a4b3c2d']);
  });
});

describe('users paging', () => {
  const page1 = fixture<CursorPage<KandjiUser>>('kandji', 'users_page1.json');
  const page2 = fixture<CursorPage<KandjiUser>>('kandji', 'users_page2.json');

  function serveUsers(): string[] {
    const urls: string[] = [];
    server.use(
      http.get(`${API}/users`, ({ request }) => {
        urls.push(request.url);
        return HttpResponse.json(new URL(request.url).searchParams.has('cursor') ? page2 : page1);
      }),
    );
    return urls;
  }

  it('follows the next URL exactly as Kandji gave it', async () => {
    const urls = serveUsers();
    await pagesOf(streamNamed(connector(), 'users'));
    expect(urls).toEqual([`${API}/users`, page1.next]);
  });

  it('reads every user across the cursor pages', async () => {
    serveUsers();
    const pages = await pagesOf(streamNamed(connector(), 'users'));
    expect(pages.flatMap((p) => p.records.map((r) => r.email))).toEqual(['ava.reyes@example.com', 'mina.okafor@example.com', 'noah.lindqvist@example.com']);
  });

  it('uses the next URL as the cursor to resume from', async () => {
    const urls = serveUsers();
    const pages = await pagesOf(streamNamed(connector(), 'users'), page1.next);
    expect({ urls, cursors: pages.map((p) => p.nextCursor) }).toEqual({ urls: [page1.next], cursors: [null] });
  });

  it('refuses a next URL on another host, which would receive the token', async () => {
    server.use(http.get(`${API}/users`, () => HttpResponse.json({ ...page1, next: 'https://collector.example.net/steal?cursor=x' })));
    const err = await failureOf(pagesOf(streamNamed(connector(), 'users')));
    expect(err.kind).toBe('invalid_response');
  });
});

describe('policies', () => {
  it('reads the blueprints as policies', async () => {
    server.use(http.get(`${API}/blueprints`, () => HttpResponse.json(fixture('kandji', 'blueprints.json'))));
    const pages = await pagesOf(streamNamed(connector(), 'policies'));
    expect(pages.flatMap((p) => p.records.map((r) => [r.name, r.deviceCount]))).toEqual([
      ['Engineering Macs', 2],
      ['Shared iPads', 1],
    ]);
  });
});

describe('device posture', () => {
  const CATEGORIES = ['filevault', 'startup_settings', 'application_firewall', 'gatekeeper_and_xprotect'];

  function servePrism(rowsFor: (category: string, offset: number) => PrismPostureRow[]): string[] {
    const calls: string[] = [];
    for (const category of CATEGORIES) {
      server.use(
        http.get(`${API}/prism/${category}`, ({ request }) => {
          const offset = Number(new URL(request.url).searchParams.get('offset'));
          calls.push(`${category}@${offset}`);
          return HttpResponse.json({ cursor: null, data: rowsFor(category, offset), limit: 300, offset, total: null });
        }),
      );
    }
    return calls;
  }

  const fixtureRows = (category: string) => fixture<PrismPage<PrismPostureRow>>('kandji', `prism_${category}.json`).data;

  it('merges one offset of the four categories into one record per device', async () => {
    servePrism((category, offset) => (offset === 0 ? fixtureRows(category) : []));
    const pages = await pagesOf(streamNamed(connector(), 'device_posture'));
    expect(pages).toEqual([
      { records: [{ externalId: '6b1f2e3d-4c5b-4a69-8877-665544332211', filevaultEnabled: true, sipEnabled: true, firewallEnabled: false, gatekeeperEnabled: true }], nextCursor: null },
    ]);
  });

  it('keeps paging while any category returns a full page', async () => {
    const full = Array.from({ length: 300 }, (_, i) => ({ device_id: `device-${i}`, status: true }));
    const calls = servePrism((category, offset) => (category === 'filevault' && offset === 0 ? full : []));
    const pages = await pagesOf(streamNamed(connector(), 'device_posture'));
    // Offset 600 may be asked for too (two offsets are in flight at once); its answer is dropped.
    const upTo300 = calls.filter((c) => !c.endsWith('@600'));
    expect({ cursors: pages.map((p) => p.nextCursor), calls: upTo300.length }).toEqual({ cursors: ['300', null], calls: 8 });
  });
});

describe('detections', () => {
  function serveDetections(): string[] {
    const calls: string[] = [];
    server.use(
      http.get(`${API}/behavioral-detections`, () => {
        calls.push('bd');
        return HttpResponse.json(fixture('kandji', 'behavioral_detections.json'));
      }),
      http.get(`${API}/threat-details`, () => {
        calls.push('td');
        return HttpResponse.json(fixture('kandji', 'threat_details.json'));
      }),
    );
    return calls;
  }

  it('reads behavioural detections then threat details, with cursors naming the sub-source', async () => {
    serveDetections();
    const pages = await pagesOf(streamNamed(connector(), 'detections'));
    expect(pages.map((p) => [p.records.map((r) => r.severity), p.nextCursor])).toEqual([
      [['high'], 'td:0'],
      [['high'], null],
    ]);
  });

  it('resumes from a td: cursor without reading behavioural detections again', async () => {
    const calls = serveDetections();
    await pagesOf(streamNamed(connector(), 'detections'), 'td:0');
    expect(calls).toEqual(['td']);
  });
});

describe('errors', () => {
  it('retries a 429 after its Retry-After and then reads the page', async () => {
    // Counted for offset 0 only: the device stream also asks for the next offset at once.
    let calls = 0;
    server.use(
      http.get(`${API}/devices`, ({ request }) => {
        if (new URL(request.url).searchParams.get('offset') !== '0') return HttpResponse.json([]);
        calls++;
        if (calls === 1) return HttpResponse.json({ detail: 'Request was throttled.' }, { status: 429, headers: { 'Retry-After': '1' } });
        return HttpResponse.json(fixture('kandji', 'devices_page1.json'));
      }),
    );
    const started = Date.now();
    const pages = await pagesOf(streamNamed(connector(), 'devices'));
    expect({ calls, records: pages[0].records.length, waitedAtLeastOneSecond: Date.now() - started >= 950 }).toEqual({ calls: 2, records: 2, waitedAtLeastOneSecond: true });
  });

  it('maps a 401 to kind auth', async () => {
    server.use(http.get(`${API}/devices`, () => HttpResponse.json({ detail: 'Invalid token.' }, { status: 401 })));
    expect((await failureOf(connector().testConnection())).kind).toBe('auth');
  });

  it('maps a 403 to kind forbidden', async () => {
    server.use(http.get(`${API}/devices`, () => HttpResponse.json({ detail: 'You do not have permission.' }, { status: 403 })));
    expect((await failureOf(connector().testConnection())).kind).toBe('forbidden');
  });

  it('maps the action 400 "This device is already locked." to kind rejected with the text', async () => {
    server.use(http.post(`${API}/devices/:id/action/lock`, () => HttpResponse.json({ detail: 'This device is already locked.' }, { status: 400 })));
    const err = await failureOf(connector().runCommand!('6b1f2e3d-4c5b-4a69-8877-665544332211', { command: 'lock', params: {} }));
    expect([err.kind, err.message.includes('This device is already locked.')]).toEqual(['rejected', true]);
  });

  it('maps a plain-text 400 "Command already running" to kind rejected with the text', async () => {
    server.use(http.post(`${API}/devices/:id/action/restart`, () => HttpResponse.text('Command already running', { status: 400 })));
    const err = await failureOf(connector().runCommand!('6b1f2e3d-4c5b-4a69-8877-665544332211', { command: 'restart', params: {} }));
    expect(err.message).toContain('Command already running');
  });
});

describe('connection test', () => {
  it('reads one device with the token sent as a bearer token', async () => {
    let auth: string | null = null;
    server.use(
      http.get(`${API}/devices`, ({ request }) => {
        auth = request.headers.get('authorization');
        return HttpResponse.json(fixture<KandjiDevice[]>('kandji', 'devices_page1.json').slice(0, 1));
      }),
    );
    const result = await connector({ credentials: { access_token: TOKEN } }).testConnection();
    expect({ result, auth }).toEqual({ result: { ok: true, details: { base_url: BASE, sample_devices: 1 } }, auth: `Bearer ${TOKEN}` });
  });
});

describe('device commands', () => {
  const DEVICE = '6b1f2e3d-4c5b-4a69-8877-665544332211';
  const commandsFixture = fixture('kandji', 'device_commands.json');
  const now = new Date('2025-05-20T09:44:21Z');

  function serveLock(): Array<unknown> {
    const bodies: unknown[] = [];
    server.use(
      http.post(`${API}/devices/${DEVICE}/action/lock`, async ({ request }) => {
        const text = await request.text();
        bodies.push(text ? JSON.parse(text) : null);
        return HttpResponse.json(fixture('kandji', 'action_lock_response_mac.json'));
      }),
      http.get(`${API}/devices/${DEVICE}/commands`, () => HttpResponse.json(commandsFixture)),
    );
    return bodies;
  }

  it('sends lock params with Kandji\'s PascalCase body keys', async () => {
    const bodies = serveLock();
    await connector({ now }).runCommand!(DEVICE, { command: 'lock', params: { message: 'Call IT', phone_number: '+15555550100' } });
    expect(bodies).toEqual([{ Message: 'Call IT', PhoneNumber: '+15555550100' }]);
  });

  it('returns the unlock PIN and the uuid of the command Kandji listed', async () => {
    serveLock();
    const result = await connector({ now }).runCommand!(DEVICE, { command: 'lock', params: {} });
    expect(result).toEqual({ status: 'pending', vendorReference: 'd2b2eafe-2dc2-4b13-bd2b-f93735f0e59f', detail: { pin: '496406' } });
  });

  it('falls back to the verb as reference when no matching command is listed', async () => {
    serveLock();
    const result = await connector({ now: new Date('2026-01-01T00:00:00Z') }).runCommand!(DEVICE, { command: 'lock', params: {} });
    expect(result.vendorReference).toBe('lock');
  });

  it('rejects setname without a device name before sending anything', async () => {
    const err = await failureOf(connector().runCommand!(DEVICE, { command: 'setname', params: {} }));
    expect(err.kind).toBe('rejected');
  });

  it('refuses a command Kandji does not have as unsupported', async () => {
    const err = await failureOf(connector().runCommand!(DEVICE, { command: 'selfdestruct', params: {} }));
    expect(err.kind).toBe('unsupported');
  });

  it('reports a command with status 3 as completed', async () => {
    serveLock();
    const result = await connector().commandStatus!(DEVICE, 'd2b2eafe-2dc2-4b13-bd2b-f93735f0e59f');
    expect(result.status).toBe('completed');
  });

  it('reports the newest restart as pending when the reference is the verb', async () => {
    serveLock();
    const result = await connector().commandStatus!(DEVICE, 'restart');
    expect([result.status, result.vendorReference]).toEqual(['pending', 'b4b6fa7b-2e61-4907-a1fc-58666e7fd52e']);
  });
});
