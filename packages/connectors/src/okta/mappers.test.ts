import { fixture } from '@trustsync/testing';
import { mapOktaDevice, mapOktaDeviceAssurance, mapOktaLogEvent, mapOktaPolicy, mapOktaUser } from './mappers';
import type { OktaDevice, OktaDeviceAssurance, OktaLogEvent, OktaPolicy, OktaUser } from './okta-types';

const users = [...fixture<OktaUser[]>('okta', 'users-page1.json'), ...fixture<OktaUser[]>('okta', 'users-page2.json')];
const devices = fixture<OktaDevice[]>('okta', 'devices.json');

describe('mapOktaUser', () => {
  it.each([
    ['00u1k2j3h4G5f6D7s8a9', 'alice.nguyen@example.com', true, 'ACTIVE'],
    ['00u1k2j3h4G5f6D7s8b0', 'bruno.silva@example.com', false, 'PROVISIONED'],
    ['00u1k2j3h4G5f6D7s8b1', 'chen.wei@example.com', true, 'LOCKED_OUT'],
    ['00u1k2j3h4G5f6D7s8b2', 'dara.okafor@example.com', false, 'SUSPENDED'],
    ['00u1k2j3h4G5f6D7s8b3', 'eli.moreau@example.com', true, 'PASSWORD_EXPIRED'],
  ])('maps user %s to %s, active %s (status %s)', (id, email, active, status) => {
    const r = mapOktaUser(users.find((u) => u.id === id)!);
    expect({ email: r.email, active: r.active, vendorStatus: r.vendorStatus }).toEqual({ email, active, vendorStatus: status });
  });

  it('names the identity source from the credentials provider', () => {
    expect(mapOktaUser(users[2]).source).toBe('active_directory');
  });

  it('treats a deprovisioned user as inactive', () => {
    expect(mapOktaUser({ ...users[0], status: 'DEPROVISIONED' }).active).toBe(false);
  });

  it('carries the group names it is given', () => {
    expect(mapOktaUser(users[0], ['Finance']).groups).toEqual(['Finance']);
  });
});

describe('mapOktaDevice', () => {
  it.each([
    ['guo1a2b3c4d5E6F7g8h9', '5CG1234XYZ', 'windows', 'alice.nguyen@example.com', true, 'active'],
    ['guo1a2b3c4d5E6F7g8i0', 'C02ZZ0ZZZZZZ', 'macos', 'chen.wei@example.com', false, 'active'],
    ['guo1a2b3c4d5E6F7g8i1', null, 'ios', 'dara.okafor@example.com', false, 'active'],
  ])('maps device %s to serial %s on %s owned by %s (managed %s, %s)', (id, serial, platform, email, managed, status) => {
    const r = mapOktaDevice(devices.find((d) => d.id === id)!);
    expect({ serial: r.serialNumber, platform: r.platform, email: r.primaryUserEmail, managed: r.managed, status: r.status }).toEqual({ serial, platform, email, managed, status });
  });

  it('reports full-disk encryption of a Mac as FileVault on', () => {
    expect(mapOktaDevice(devices[1]).filevaultEnabled).toBe(true);
  });

  it('keeps an unknown status such as CREATED as an active device tagged with it', () => {
    const r = mapOktaDevice(devices.find((d) => d.status === 'CREATED')!);
    expect({ status: r.status, tags: r.tags }).toEqual({ status: 'active', tags: ['okta:status:created'] });
  });

  it('maps a DEACTIVATED device to retired', () => {
    expect(mapOktaDevice({ ...devices[0], status: 'DEACTIVATED' }).status).toBe('retired');
  });
});

describe('policy mappers', () => {
  it('maps every access and sign-on policy fixture with its type', () => {
    const policies = [...fixture<OktaPolicy[]>('okta', 'policies-access-policy.json'), ...fixture<OktaPolicy[]>('okta', 'policies-okta-sign-on.json')];
    expect(policies.map(mapOktaPolicy).map((p) => p.policyType)).toEqual(['okta:ACCESS_POLICY', 'okta:ACCESS_POLICY', 'okta:OKTA_SIGN_ON']);
  });

  it('describes a device assurance baseline by platform and minimum OS', () => {
    const [windows] = fixture<OktaDeviceAssurance[]>('okta', 'device-assurances.json');
    expect(mapOktaDeviceAssurance(windows).description).toBe('WINDOWS, minimum OS 10.0.19045');
  });
});

describe('mapOktaLogEvent', () => {
  const events = fixture<OktaLogEvent[]>('okta', 'system-log-page.json');

  it('keys a log event by its uuid and classifies it by event type', () => {
    const r = mapOktaLogEvent(events[0]);
    expect({ id: r.externalId, classification: r.classification, severity: r.severity }).toEqual({ id: '7a1b2c3d-e001-11f0-8000-0242ac120002', classification: 'user.lifecycle.deactivate', severity: 'informational' });
  });

  it('links an event that targets a device to that device', () => {
    expect(mapOktaLogEvent(events[1]).deviceExternalId).toBe('guo1a2b3c4d5E6F7g8i1');
  });
});
