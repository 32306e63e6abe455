import { fixture } from '@trustsync/testing';
import {
  mapAccessRule,
  mapApplicationSegment,
  mapFirewallFilteringRule,
  mapUrlFilteringRule,
  mapZccDevice,
  mapZiaScope,
  mapZiaUser,
  type ZccDevice,
  type ZccDeviceDetails,
  type ZiaNamedObject,
  type ZiaUrlFilteringRule,
  type ZiaUser,
  type ZpaAccessRule,
  type ZpaApplicationSegment,
} from './mappers';

const devices = fixture<ZccDevice[]>('zscaler', 'zcc_devices_page1.json');
const details = fixture<ZccDeviceDetails>('zscaler', 'zcc_device_details.json');
const users = [...fixture<ZiaUser[]>('zscaler', 'zia_users_page1.json'), ...fixture<ZiaUser[]>('zscaler', 'zia_users_page2.json')];

describe('mapZccDevice', () => {
  it('takes the serial number, trust and health from the device details', () => {
    const d = mapZccDevice(devices[0], details);
    expect([d.serialNumber, d.tags]).toEqual(['FVFXK2EXAMP1', ['zcc_registration:registered', 'zia_health:active', 'zpa_health:active', 'zcc_device_trust:0']]);
  });

  it.each([
    [0, { platform: 'macos', osVersion: '14.6.1', status: 'active', lastSeenAt: '2025-05-20T09:40:00.000Z', primaryUserEmail: 'ava.reyes@example.com' }],
    [1, { platform: 'windows', osVersion: 'Microsoft Windows 11 Enterprise', status: 'active', lastSeenAt: '2025-05-18T20:26:40.000Z', primaryUserEmail: 'mina.okafor@example.com' }],
    [2, { platform: 'windows', osVersion: 'Microsoft Windows 10 Pro', status: 'retired', lastSeenAt: '2022-02-18T19:50:34.000Z', primaryUserEmail: 'jon.park@example.com' }],
  ])('maps fixture device %i from its registration text, not its numeric state', (i, expected) => {
    expect(mapZccDevice(devices[i], null)).toMatchObject({ ...expected, externalId: devices[i].udid, serialNumber: null });
  });

  it('tags a quarantined device so the platform can see it', () => {
    expect(mapZccDevice(devices[1], null).tags).toContain('zcc_registration:quarantined');
  });

  it('reads an empty epoch string as no time', () => {
    expect(mapZccDevice({ ...devices[0], last_seen_time: '' }, null).lastSeenAt).toBeNull();
  });
});

describe('mapZiaUser', () => {
  it.each([
    [0, { externalId: '165214882', email: 'ava.reyes@example.com', name: 'Ava Reyes', department: 'Engineering', active: true }],
    [2, { externalId: '165215387', email: 'jon.park@example.com', name: 'Jon Park', department: 'Finance', active: true }],
    [3, { externalId: '162516680', email: null, name: 'Fallback User', department: null, active: true }],
  ])('maps fixture user %i', (i, expected) => {
    expect(mapZiaUser(users[i])).toMatchObject(expected);
  });

  it('keeps a deleted user, inactive', () => {
    expect(mapZiaUser({ ...users[0], deleted: true }).active).toBe(false);
  });
});

describe('policy mappers', () => {
  const rules = fixture<ZiaUrlFilteringRule[]>('zscaler', 'zia_url_filtering_rules.json');
  const segments = fixture<{ list: ZpaApplicationSegment[] }>('zscaler', 'zpa_application_segments_page1.json').list;
  const accessRules = fixture<{ list: ZpaAccessRule[] }>('zscaler', 'zpa_policy_rules_page.json').list;
  const groups = fixture<ZiaNamedObject[]>('zscaler', 'zia_groups.json');

  it.each([
    ['a URL filtering rule', () => mapUrlFilteringRule(rules[1]), { externalId: 'zia-url-rule:1690944', name: 'Quarantine risky devices', policyType: 'zia_url_filtering_rule', enabled: true }],
    ['an application segment', () => mapApplicationSegment(segments[0]), { externalId: 'zpa-segment:216196257331404639', name: 'git.corp.example.com', policyType: 'zpa_application_segment', enabled: true }],
    ['a ZPA access rule with disabled "0"', () => mapAccessRule(accessRules[0]), { externalId: 'zpa-access-rule:216196257331404630', name: 'Engineering to git', enabled: true }],
    ['a ZPA access rule with disabled "1"', () => mapAccessRule({ ...accessRules[0], disabled: '1' }), { enabled: false }],
    ['a firewall rule without a description', () => mapFirewallFilteringRule({ id: 1700121, name: 'Firewall rule 2', order: 2, action: 'BLOCK_DROP', state: 'DISABLED' }), { externalId: 'zia-firewall-rule:1700121', policyType: 'zia_firewall_filtering_rule', description: 'BLOCK_DROP (order 2)', enabled: false }],
    ['a ZIA group', () => mapZiaScope('group', groups[1]), { externalId: 'zia-group:24326901', name: 'Quarantine-Risky-Devices', policyType: 'zia_group' }],
  ])('maps %s', (_what, map, expected) => {
    expect(map()).toMatchObject(expected);
  });
});
