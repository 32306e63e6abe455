import axios, { type AxiosInstance } from 'axios';
import { createLogger } from '@trustsync/core';
import { LocalRateGate, MemoryTokenCache, VENDORS, type Connector } from '@trustsync/connectors';
import { fixture } from '@trustsync/testing';
import { startSandbox, type Sandbox } from '../../sandbox';

const TOKEN = 'sandbox-kandji-token';
const keysOf = (o: unknown): string[] => Object.keys(o as object).sort();

function clients(sb: Sandbox): { api: AxiosInstance; admin: AxiosInstance } {
  const common = { validateStatus: () => true };
  return {
    api: axios.create({ ...common, baseURL: `${sb.url}/kandji/api/v1`, headers: { Authorization: `Bearer ${TOKEN}` } }),
    admin: axios.create({ ...common, baseURL: `${sb.url}/_sandbox/kandji` }),
  };
}

type Device = Record<string, unknown> & { device_id: string; serial_number: string; platform: string };

describe('Kandji sandbox API', () => {
  let sb: Sandbox;
  let api: AxiosInstance;

  beforeAll(async () => {
    sb = await startSandbox({ kandji: { devices: 700 } });
    ({ api } = clients(sb));
  });
  afterAll(() => sb.close());

  async function firstOf(platform: string): Promise<Device> {
    const { data } = await api.get<Device[]>('/devices', { params: { limit: 300 } });
    const found = data.find((d) => d.platform === platform);
    if (!found) throw new Error(`no ${platform} in the first page`);
    return found;
  }

  it('answers 401 with a Kandji-like body without the bearer token', async () => {
    const res = await axios.get(`${sb.url}/kandji/api/v1/devices`, { validateStatus: () => true });
    expect([res.status, res.data.detail]).toEqual([401, expect.stringContaining('revoked')]);
  });

  it('answers 401 to a wrong token', async () => {
    const res = await api.get('/devices', { headers: { Authorization: 'Bearer wrong' } });
    expect(res.status).toBe(401);
  });

  it('pages 700 devices as bare arrays of 300, 300 and 100', async () => {
    const sizes = [];
    for (const offset of [0, 300, 600]) sizes.push((await api.get<Device[]>('/devices', { params: { limit: 300, offset } })).data.length);
    expect(sizes).toEqual([300, 300, 100]);
  });

  it('answers 200 [] for an offset past the end', async () => {
    const res = await api.get('/devices', { params: { limit: 300, offset: 900 } });
    expect([res.status, res.data]).toEqual([200, []]);
  });

  it('refuses a limit above 300 with a 400', async () => {
    expect((await api.get('/devices', { params: { limit: 301 } })).status).toBe(400);
  });

  it('sends X-Total-Count, X-Total-Pages and a Link header with a literal <None>', async () => {
    const res = await api.get('/devices', { params: { limit: 300, offset: 0 } });
    expect([res.headers['x-total-count'], res.headers['x-total-pages'], res.headers.link]).toEqual(['700', '3', expect.stringContaining('<None>; rel="prev"')]);
  });

  it('gives every device different ids and serials', async () => {
    const all: Device[] = [];
    for (const offset of [0, 300, 600]) all.push(...(await api.get<Device[]>('/devices', { params: { limit: 300, offset } })).data);
    expect([new Set(all.map((d) => d.device_id)).size, new Set(all.map((d) => d.serial_number)).size]).toEqual([700, 700]);
  });

  it('shapes a Mac list item with exactly the fixture keys', async () => {
    expect(keysOf(await firstOf('Mac'))).toEqual(keysOf(fixture<Device[]>('kandji', 'devices_page1.json')[0]));
  });

  it('gives an iPad the empty string as user', async () => {
    expect((await firstOf('iPad')).user).toBe('');
  });

  it('writes first_enrollment with a space separator and last_check_in as ISO Z', async () => {
    const mac = await firstOf('Mac');
    expect([mac.first_enrollment, mac.last_check_in]).toEqual([expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}\+00:00$/), expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/)]);
  });

  it('serves one device by id', async () => {
    const mac = await firstOf('Mac');
    expect((await api.get(`/devices/${mac.device_id}`)).data).toEqual(mac);
  });

  it('answers 404 for a device id not in the tenant', async () => {
    expect((await api.get('/devices/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('shapes device details like the fixture, with string booleans', async () => {
    const { data } = await api.get(`/devices/${(await firstOf('Mac')).device_id}/details`);
    expect([keysOf(data), data.mdm.mdm_enabled, data.kandji_agent.agent_installed]).toEqual([keysOf(fixture('kandji', 'device_details_mac.json')), 'True', 'True']);
  });

  it.each(['filevault', 'startup_settings', 'application_firewall', 'gatekeeper_and_xprotect'])('shapes Prism %s rows with exactly the fixture keys', async (category) => {
    const { data } = await api.get(`/prism/${category}`, { params: { limit: 1, offset: 0 } });
    expect([keysOf(data), keysOf(data.data[0])]).toEqual([keysOf(fixture('kandji', `prism_${category}.json`)), keysOf(fixture<{ data: unknown[] }>('kandji', `prism_${category}.json`).data[0])]);
  });

  it('lists only Macs in Prism', async () => {
    const { data } = await api.get('/prism/filevault', { params: { limit: 300 } });
    expect(new Set(data.data.map((r: { device__family: string }) => r.device__family))).toEqual(new Set(['Mac']));
  });

  it('shapes blueprints in the DRF envelope with the fixture keys', async () => {
    const { data } = await api.get('/blueprints');
    expect([keysOf(data), keysOf(data.results[0]), data.count]).toEqual([keysOf(fixture('kandji', 'blueprints.json')), keysOf(fixture<{ results: unknown[] }>('kandji', 'blueprints.json').results[0]), 12]);
  });

  it('counts every device in exactly one blueprint', async () => {
    const { data } = await api.get('/blueprints');
    expect(data.results.reduce((n: number, b: { computers_count: number }) => n + b.computers_count, 0)).toBe(700);
  });

  it('shapes users with the fixture keys and a full next URL built from the request host', async () => {
    const { data } = await api.get('/users');
    expect([keysOf(data.results[0]), data.next]).toEqual([keysOf(fixture<{ results: unknown[] }>('kandji', 'users_page1.json').results[0]), expect.stringMatching(new RegExp(`^${sb.url}/kandji/api/v1/users\\?cursor=`))]);
  });

  it('shapes threat details and behavioural detections with the fixture keys', async () => {
    const td = (await api.get('/threat-details')).data;
    const bd = (await api.get('/behavioral-detections')).data;
    const tdFix = fixture<{ results: unknown[] }>('kandji', 'threat_details.json');
    const bdFix = fixture<{ results: unknown[] }>('kandji', 'behavioral_detections.json');
    expect([keysOf(td), keysOf(td.results[0]), keysOf(bd), keysOf(bd.results[0])]).toEqual([keysOf(tdFix), keysOf(tdFix.results[0]), keysOf(bdFix), keysOf(bdFix.results[0])]);
  });

  it('answers the audit log only with limit and sort_by', async () => {
    const [without, withBoth] = await Promise.all([api.get('/audit/events'), api.get('/audit/events', { params: { limit: 5, sort_by: '-occurred_at' } })]);
    expect([without.status, withBoth.status, withBoth.data.results.length]).toEqual([400, 200, 5]);
  });

  it('answers a throttled request with 429, Retry-After in seconds and a JSON body', async () => {
    sb.vendors.kandji!.traffic.faults = { rateLimitStorm: 1 };
    const res = await api.get('/devices', { params: { limit: 1 } });
    expect([res.status, res.headers['retry-after'], typeof res.data.detail]).toEqual([429, '1', 'string']);
  });

  it('describes the tenant with its counts and token', () => {
    expect(sb.vendors.kandji!.describe()).toEqual({ devices: 700, users: 1000, blueprints: 12, token: TOKEN });
  });
});

describe('Kandji sandbox actions and admin', () => {
  let sb: Sandbox;
  let api: AxiosInstance;
  let admin: AxiosInstance;
  let macs: Device[];
  let ipad: Device;

  beforeAll(async () => {
    sb = await startSandbox({ kandji: { devices: 700, commandCompleteMs: 200 } });
    ({ api, admin } = clients(sb));
    const { data } = await api.get<Device[]>('/devices', { params: { limit: 300 } });
    macs = data.filter((d) => d.platform === 'Mac');
    ipad = data.find((d) => d.platform === 'iPad')!;
  });
  afterAll(() => sb.close());

  it('answers a Mac lock with the PIN', async () => {
    expect((await api.post(`/devices/${macs[0].device_id}/action/lock`, { Message: 'Call IT' })).data).toEqual({ PIN: '123456' });
  });

  it('refuses a second lock with "This device is already locked."', async () => {
    await api.post(`/devices/${macs[1].device_id}/action/lock`, {});
    const res = await api.post(`/devices/${macs[1].device_id}/action/lock`, {});
    expect([res.status, res.data.detail]).toEqual([400, 'This device is already locked.']);
  });

  it('refuses Lost Mode on a Mac as not allowed for the device', async () => {
    const res = await api.post(`/devices/${macs[2].device_id}/action/enablelostmode`, { Message: 'lost' });
    expect(res.data.detail).toBe('Command is not allowed for current device');
  });

  it('answers 404 to an unknown verb', async () => {
    expect((await api.post(`/devices/${ipad.device_id}/action/selfdestruct`, {})).status).toBe(404);
  });

  it('lists a sent command as pending, then completed with status 3', async () => {
    await api.post(`/devices/${macs[3].device_id}/action/restart`, { RebuildKernelCache: false, NotifyUser: true });
    const before = (await api.get(`/devices/${macs[3].device_id}/commands`)).data.commands.results[0];
    await new Promise((r) => setTimeout(r, 300));
    const after = (await api.get(`/devices/${macs[3].device_id}/commands`)).data.commands.results[0];
    expect([before.request_type, before.status, after.status]).toEqual(['RestartDevice', 1, 3]);
  });

  it('lists received commands on the admin API', async () => {
    const { data } = await admin.get('/commands');
    expect(data.map((c: { serial: string; verb: string }) => `${c.verb}:${c.serial}`)).toContain(`restart:${macs[3].serial_number}`);
  });

  it('turns FileVault off for one device through the admin API', async () => {
    const target = macs[4];
    await admin.post(`/devices/${target.serial_number}/posture`, { filevault: false });
    const { data } = await api.get('/prism/filevault', { params: { limit: 300 } });
    expect(data.data.find((r: { device_id: string }) => r.device_id === target.device_id).status).toBe(false);
  });

  it('renames a device through the admin API', async () => {
    await admin.post(`/devices/${macs[5].serial_number}/rename`, { name: 'Renamed Mac' });
    expect((await api.get(`/devices/${macs[5].device_id}`)).data.device_name).toBe('Renamed Mac');
  });

  it('removes a device from the list and the totals', async () => {
    const gone = macs[6];
    await admin.post(`/devices/${gone.serial_number}/remove`);
    const res = await api.get<Device[]>('/devices', { params: { limit: 300 } });
    expect([res.headers['x-total-count'], res.data.some((d) => d.device_id === gone.device_id), (await api.get(`/devices/${gone.device_id}`)).status]).toEqual(['699', false, 404]);
  });

  it('resizes the tenant', async () => {
    await admin.post('/tenant', { devices: 800 });
    expect(sb.vendors.kandji!.describe().devices).toBe(799);
  });
});

describe('the Kandji connector against the sandbox', () => {
  let sb: Sandbox;
  let connector: Connector;
  let gate: LocalRateGate;

  beforeAll(async () => {
    sb = await startSandbox({ kandji: { devices: 700 } });
    gate = new LocalRateGate({ requests: 10_000, periodSeconds: 3600, maxConcurrent: 8 });
    connector = VENDORS.kandji.create({
      integration: { id: 'INT_sandbox', type: 'kandji', endpoint: `${sb.url}/kandji`, region: null, apiVersion: null, authType: 'bearer', settings: {} },
      credentials: { api_key: TOKEN },
      gate,
      logger: createLogger({ service: 'kandji-sandbox-test', silent: true }),
      tokenCache: new MemoryTokenCache(),
      now: () => new Date(),
    });
  });
  afterAll(async () => {
    await gate.close();
    await sb.close();
  });

  async function pull(name: string): Promise<Array<{ externalId: string }>> {
    const spec = connector.streams({ syncType: 'full', since: null }).find((s) => s.name === name)!;
    const records = [];
    for await (const page of spec.pages(null)) records.push(...(page.records as Array<{ externalId: string }>));
    return records;
  }

  it('pulls all 700 devices, each once', async () => {
    const devices = await pull('devices');
    expect([devices.length, new Set(devices.map((d) => d.externalId)).size]).toEqual([700, 700]);
  });

  it('pulls all 1000 users', async () => {
    expect((await pull('users')).length).toBe(1000);
  });

  it('pulls the 12 blueprints', async () => {
    expect((await pull('policies')).length).toBe(12);
  });

  it('pulls one posture record per Mac', async () => {
    const { data } = await axios.get(`${sb.url}/kandji/api/v1/settings/licensing`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect((await pull('device_posture')).length).toBe(data.counts.computers_count);
  });

  it('pulls every behavioural detection and threat detail', async () => {
    const auth = { headers: { Authorization: `Bearer ${TOKEN}` } };
    const bd = (await axios.get(`${sb.url}/kandji/api/v1/behavioral-detections`, auth)).data.total_count;
    const td = (await axios.get(`${sb.url}/kandji/api/v1/threat-details`, auth)).data.count;
    expect([(await pull('detections')).length, bd > 0 && td > 0]).toEqual([bd + td, true]);
  });

  it('locks a Mac and sees the command complete', async () => {
    const mac = ((await pull('devices')) as Array<{ externalId: string; platform: string }>).find((d) => d.platform === 'Mac')!;
    const sent = await connector.runCommand!(mac.externalId, { command: 'lock', params: { message: 'Call IT' } });
    await new Promise((r) => setTimeout(r, 1100));
    const status = await connector.commandStatus!(mac.externalId, sent.vendorReference!);
    expect([sent.detail, status.status]).toEqual([{ pin: '123456' }, 'completed']);
  });
});

describe('Kandji sandbox with its response cache on (benchmarks)', () => {
  let sb: Sandbox;
  let api: AxiosInstance;
  let admin: AxiosInstance;

  beforeAll(async () => {
    sb = await startSandbox({ kandji: { devices: 700 }, responseCache: { vendors: ['kandji'], maxBytes: 64 * 1024 * 1024 } });
    ({ api, admin } = clients(sb));
  });
  afterAll(() => sb.close());

  it('answers a repeated request with the same body and paging headers', async () => {
    const first = await api.get('/devices', { params: { limit: 300, offset: 300 } });
    const again = await api.get('/devices', { params: { limit: 300, offset: 300 } });
    expect([again.status, again.data, again.headers['x-total-count'], again.headers.link]).toEqual([200, first.data, '700', first.headers.link]);
  });

  it('still refuses a wrong token for a request it has cached', async () => {
    await api.get('/devices', { params: { limit: 300 } });
    expect((await api.get('/devices', { params: { limit: 300 }, headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);
  });

  it('answers with the tenant as changed once the admin API changes it', async () => {
    const before = await api.get<Device[]>('/devices', { params: { limit: 300 } });
    const gone = before.data[0];
    await admin.post(`/devices/${gone.serial_number}/remove`);
    const after = await api.get<Device[]>('/devices', { params: { limit: 300 } });
    expect([after.headers['x-total-count'], after.data.some((d) => d.device_id === gone.device_id)]).toEqual(['699', false]);
  });
});
