import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { createLogger } from '@trustsync/core';
import { deviceCorrelationKey, normaliseEmail, userCorrelationKey, type IntegrationType } from '@trustsync/model';
import { FIXTURES_DIR } from '@trustsync/testing';
import { VENDORS } from '../index';
import { ConnectorError, LocalRateGate, MemoryTokenCache, type Capability, type Connector, type Credentials, type StreamEntity, type StreamRecord } from './index';
import { INTEGRATION_ID, PROFILES, type VendorProfile } from './conformance.test-kit';

/**
 * The conformance suite every connector in the registry passes (STYLE.md §3): declared
 * capabilities exist and undeclared ones do not, fixture pages map to valid records with the
 * model's correlation keys, a signed webhook fixture verifies and a tampered copy fails, and
 * every error fixture maps to exactly one error kind.
 */

const server = setupServer();
const gates: LocalRateGate[] = [];

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(async () => {
  server.resetHandlers();
  await Promise.all(gates.splice(0).map((g) => g.close()));
});
afterAll(() => server.close());

const TYPES = Object.keys(VENDORS) as IntegrationType[];
const PULLS: Partial<Record<Capability, StreamEntity>> = { pullDevices: 'device', pullUsers: 'user', pullPolicies: 'policy', pullDetections: 'detection' };
const DEVICE_STATUSES = new Set(['active', 'stale', 'retired', 'removed']);
const SEVERITIES = new Set(['informational', 'low', 'medium', 'high', 'critical']);
const POSTURE_FIELDS = ['filevaultEnabled', 'sipEnabled', 'firewallEnabled', 'gatekeeperEnabled'] as const;

function connector(profile: VendorProfile, extra: { settings?: Record<string, unknown>; credentials?: Credentials; endpoint?: string | null } = {}): Connector {
  const gate = new LocalRateGate({ requests: 10_000, periodSeconds: 1 });
  gates.push(gate);
  return VENDORS[profile.type].create({
    integration: { id: INTEGRATION_ID, type: profile.type, endpoint: extra.endpoint === undefined ? profile.endpoint : extra.endpoint, region: profile.region ?? null, apiVersion: null, authType: profile.authType, settings: { ...profile.settings, ...extra.settings } },
    credentials: { ...profile.credentials, ...extra.credentials },
    gate,
    logger: createLogger({ service: 'conformance', silent: true }),
    tokenCache: new MemoryTokenCache(),
    now: () => profile.now ?? new Date(),
  });
}

/** Every record of a full sync, by entity, over the fixture pages. */
async function fullSync(profile: VendorProfile): Promise<{ [E in StreamEntity]: Array<StreamRecord[E]> }> {
  server.use(...profile.pages());
  const out: { [E in StreamEntity]: Array<StreamRecord[E]> } = { device: [], device_posture: [], user: [], policy: [], detection: [] };
  for (const spec of connector(profile).streams({ syncType: 'full', since: null })) {
    for await (const page of spec.pages(null)) (out[spec.entity] as unknown[]).push(...page.records);
  }
  return out;
}

const isText = (v: unknown): boolean => typeof v === 'string' && v.trim() !== '';
const isTextOrNull = (v: unknown): boolean => v === null || typeof v === 'string';
const isBoolOrNull = (v: unknown): boolean => v === null || v === undefined || typeof v === 'boolean';
const isTimeOrNull = (v: unknown): boolean => v === null || (typeof v === 'string' && !Number.isNaN(Date.parse(v)));
const isEmailOrNull = (v: unknown): boolean => v === null || (typeof v === 'string' && normaliseEmail(v) !== null);

/** What is wrong with one record of `entity`, as readable strings (none for a valid record). */
function problemsOf(entity: StreamEntity, r: Record<string, unknown>): string[] {
  const checks: Array<[string, boolean]> = [['externalId is a non-empty string', isText(r.externalId)]];
  if (entity === 'device') {
    checks.push(
      ['status is a device status', DEVICE_STATUSES.has(r.status as string)],
      ['name, serialNumber, hostname, platform, osName, osVersion, model are strings or null', ['name', 'serialNumber', 'hostname', 'platform', 'osName', 'osVersion', 'model'].every((k) => isTextOrNull(r[k]))],
      ['primaryUserEmail is an email or null', isEmailOrNull(r.primaryUserEmail)],
      ['lastSeenAt and enrolledAt are times or null', isTimeOrNull(r.lastSeenAt) && isTimeOrNull(r.enrolledAt)],
      ['managed and agentInstalled are booleans or null', isBoolOrNull(r.managed) && isBoolOrNull(r.agentInstalled)],
      ['tags are strings', Array.isArray(r.tags) && r.tags.every((t) => typeof t === 'string')],
      ['policyRef is a string or null', isTextOrNull(r.policyRef)],
    );
  }
  if (entity === 'device' || entity === 'device_posture') checks.push(['posture fields are booleans or null', POSTURE_FIELDS.every((k) => isBoolOrNull(r[k]))]);
  if (entity === 'user') {
    checks.push(['email is an email or null', isEmailOrNull(r.email)], ['active is a boolean', typeof r.active === 'boolean'], ['name, department, jobTitle are strings or null', ['name', 'department', 'jobTitle'].every((k) => isTextOrNull(r[k]))]);
  }
  if (entity === 'policy') {
    checks.push(['name and policyType are non-empty', isText(r.name) && isText(r.policyType)], ['enabled is a boolean or null', isBoolOrNull(r.enabled)], ['deviceCount is a number or null', r.deviceCount === null || typeof r.deviceCount === 'number']);
  }
  if (entity === 'detection') {
    checks.push(
      ['title is non-empty', isText(r.title)],
      ['severity is a platform severity', SEVERITIES.has(r.severity as string)],
      ['status is non-empty', isText(r.status)],
      ['detectedAt is a time or null', isTimeOrNull(r.detectedAt)],
      ['deviceExternalId is a string or null', isTextOrNull(r.deviceExternalId)],
    );
  }
  return checks.filter(([, ok]) => !ok).map(([what]) => `${String(r.externalId)}: ${what}`);
}

/** Fixture files whose names say they are an error answer. */
function errorFixtureFiles(type: IntegrationType): string[] {
  return readdirSync(join(FIXTURES_DIR, type))
    .filter((f) => f.endsWith('.json') && /(^|[-_])(errors?|4\d\d|5\d\d)([-_.])/.test(f))
    .sort();
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

it('has a conformance profile for every vendor in the registry', () => {
  expect(Object.keys(PROFILES).sort()).toEqual([...TYPES].sort());
});

describe.each(TYPES)('%s connector conformance', (type) => {
  const vendor = VENDORS[type];
  const profile = PROFILES[type]!;
  const declared = new Set<Capability>(vendor.manifest.capabilities);

  describe('capabilities', () => {
    it('names its own integration type in its manifest', () => {
      expect([vendor.manifest.type, connector(profile).manifest.type]).toEqual([type, type]);
    });

    it('has a full-sync stream for exactly the pulls it declares', () => {
      const entities = new Set(connector(profile).streams({ syncType: 'full', since: null }).map((s) => s.entity));
      const pulls = (Object.entries(PULLS) as Array<[Capability, StreamEntity]>).map(([capability, entity]) => ({ capability, declared: declared.has(capability), streamed: entities.has(entity) }));
      expect(pulls.filter((p) => p.declared !== p.streamed)).toEqual([]);
    });

    it('has pushCompliance, pushRiskScore and runCommand exactly when it declares them', () => {
      const c = connector(profile) as unknown as Record<string, unknown>;
      const methods = (['pushCompliance', 'pushRiskScore', 'runCommand'] as const).map((m) => ({ method: m, declared: declared.has(m), present: typeof c[m] === 'function' }));
      expect(methods.filter((m) => m.declared !== m.present)).toEqual([]);
    });

    it('declares commands exactly when it can run them', () => {
      expect(vendor.manifest.commands.length > 0).toBe(declared.has('runCommand'));
    });

    it('has a webhook scheme with verify and parse exactly when it declares webhooks', () => {
      const scheme = vendor.webhooks;
      expect({ declared: declared.has('webhooks'), scheme: scheme ? [typeof scheme.verify, typeof scheme.parse] : null }).toEqual(
        declared.has('webhooks') ? { declared: true, scheme: ['function', 'function'] } : { declared: false, scheme: null },
      );
    });

    if (declared.has('runCommand')) {
      it.each(vendor.manifest.commands)('recognises its declared command %s', async (command) => {
        // Every request fails with a status no client retries, so the only way to get `unsupported` is not knowing the command.
        server.use(http.all('*', () => new HttpResponse(null, { status: 418 })));
        const err = await failureOf(connector(profile).runCommand!('device-1', { command, params: {} }));
        expect((err as ConnectorError).kind).not.toBe('unsupported');
      });

      it('refuses a command it does not declare as unsupported, before any request', async () => {
        const err = await failureOf(connector(profile).runCommand!('device-1', { command: 'self_destruct', params: {} }));
        expect([err instanceof ConnectorError, (err as ConnectorError).kind]).toEqual([true, 'unsupported']);
      });
    }
  });

  describe('fixture pages', () => {
    let synced: Awaited<ReturnType<typeof fullSync>>;
    beforeAll(async () => {
      synced = await fullSync(profile);
    });

    it('map to the expected number of records of each entity', () => {
      const counts = Object.fromEntries(Object.entries(synced).filter(([, records]) => records.length > 0).map(([entity, records]) => [entity, records.length]));
      expect(counts).toEqual(profile.expected.records);
    });

    it('map to records that satisfy the model', () => {
      const problems = (Object.entries(synced) as unknown as Array<[StreamEntity, Array<Record<string, unknown>>]>).flatMap(([entity, records]) => records.map((r) => problemsOf(entity, r)).flat().map((p) => `${entity} ${p}`));
      expect(problems).toEqual([]);
    });

    it('give every record of an entity its own external id', () => {
      const duplicates = (Object.entries(synced) as Array<[StreamEntity, Array<{ externalId: string }>]>).flatMap(([entity, records]) =>
        records.map((r) => r.externalId).filter((id, i, ids) => ids.indexOf(id) !== i).map((id) => `${entity} ${id}`),
      );
      expect(duplicates).toEqual([]);
    });

    it('give devices the correlation keys of the model: the normalised serial, else a key private to the integration', () => {
      expect(synced.device.map((d) => deviceCorrelationKey(INTEGRATION_ID, d)).sort()).toEqual(profile.expected.deviceKeys);
    });

    it('give users the correlation keys of the model: the lower-cased email, else a key private to the integration', () => {
      expect(synced.user.map((u) => userCorrelationKey(INTEGRATION_ID, u)).sort()).toEqual(profile.expected.userKeys);
    });

    it('patch only devices the device stream yielded', () => {
      const devices = new Set(synced.device.map((d) => d.externalId));
      expect(synced.device_posture.map((p) => p.externalId).filter((id) => !devices.has(id))).toEqual([]);
    });
  });

  describe('webhooks', () => {
    if (!declared.has('webhooks')) {
      it('has no webhook fixture to verify, as it declares no webhooks', () => {
        expect(profile.webhooks).toEqual([]);
      });
      return;
    }

    it('has at least one webhook fixture', () => {
      expect(profile.webhooks.length).toBeGreaterThan(0);
    });

    describe.each(profile.webhooks.map((w) => [w.label, w] as const))('%s', (_label, sample) => {
      it('verifies as delivered', () => {
        expect(vendor.webhooks!.verify(sample.delivery, sample.secret, sample.settings, sample.at)).toEqual({ ok: true });
      });

      it(`fails verification once its ${sample.tampering} is tampered with`, () => {
        expect(vendor.webhooks!.verify(sample.tampered, sample.secret, sample.settings, sample.at).ok).toBe(false);
      });

      it('fails verification against another secret', () => {
        expect(vendor.webhooks!.verify(sample.delivery, `${sample.secret}-other`, sample.settings, sample.at).ok).toBe(false);
      });

      it('parses into events of the scheme', () => {
        const events = vendor.webhooks!.parse(JSON.parse(sample.delivery.rawBody.toString('utf8')));
        expect({ events: events.length, typed: events.every((e) => isText(e.eventType)) }).toEqual({ events: sample.events, typed: true });
      });
    });
  });

  describe('errors', () => {
    it('has a case for every error fixture of the vendor', () => {
      const covered = new Set([...profile.errors.map((e) => e.file), ...Object.keys(profile.notErrorAnswers ?? {})]);
      expect(errorFixtureFiles(type).filter((f) => !covered.has(f))).toEqual([]);
    });

    describe.each(profile.errors.map((e) => [`${e.file}${e.label ? ` ${e.label}` : ''}`, e] as const))('%s', (_name, errorCase) => {
      it(`maps to exactly one error kind: ${errorCase.kind}`, async () => {
        let calls = 0;
        server.use(
          ...errorCase.handlers(() => {
            calls++;
            return errorCase.answer();
          }),
        );
        const c = connector(profile, { settings: errorCase.settings, credentials: errorCase.credentials?.(), endpoint: errorCase.endpoint });
        const started = Date.now();
        const err = await failureOf(errorCase.call(c));
        const e = err as ConnectorError;
        expect({
          isConnectorError: err instanceof ConnectorError,
          kind: e.kind,
          code: e.code,
          vendor: e.vendor,
          // A rate limit carries the time to retry at; nothing else does.
          retryAtInFuture: e.retryAt ? e.retryAt.getTime() > started : null,
          calls,
        }).toEqual({
          isConnectorError: true,
          kind: errorCase.kind,
          code: `vendor_${errorCase.kind}`,
          vendor: type,
          retryAtInFuture: errorCase.kind === 'rate_limited' ? true : null,
          calls: errorCase.failingCalls ?? 1,
        });
      });
    });
  });
});

describe('correlation across vendors', () => {
  it('gives one machine reported in several vendors\' fixtures one device key', async () => {
    const vendorsByKey = new Map<string, string[]>();
    for (const type of TYPES) {
      const synced = await fullSync(PROFILES[type]!);
      server.resetHandlers();
      for (const d of synced.device) {
        const key = deviceCorrelationKey(INTEGRATION_ID, d);
        if (key.startsWith('serial:')) vendorsByKey.set(key, [...(vendorsByKey.get(key) ?? []), type]);
      }
    }
    const shared = Object.fromEntries([...vendorsByKey].filter(([, vendors]) => vendors.length > 1).map(([key, vendors]) => [key, vendors.sort()]));
    expect(shared).toEqual({
      'serial:FVFXK2EXAMP1': ['kandji', 'seraphic', 'zscaler'],
      'serial:5CG1234XYZ': ['crowdstrike', 'okta'],
      'serial:C02ZZ0ZZZZZZ': ['crowdstrike', 'okta'],
    });
  });
});
