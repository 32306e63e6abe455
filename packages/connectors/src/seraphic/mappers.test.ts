import { fixture } from '@trustsync/testing';
import { mapDlpViolation, mapEndpoint, mapSentinelAlert, mapSeraphicDetection, mapSeraphicPolicy, mapSeraphicUser, type SentinelRecord } from './mappers';

const list = <T>(file: string): T[] => fixture<{ data: T[] }>('seraphic', file).data;
const endpoints = [...list<never>('proposed_endpoints_page1.json'), ...list<never>('proposed_endpoints_page2.json')];

describe('Seraphic mappers', () => {
  it.each([
    [0, { externalId: 'ep_7f3c2a91', serialNumber: 'FVFXK2EXAMP1', platform: 'macos', osName: 'macOS', agentInstalled: true, status: 'active', lastSeenAt: '2025-05-20T09:40:55Z', policyRef: 'pol_default_corp' }],
    [1, { externalId: 'ep_91ab44d0', serialNumber: '5CG3EXAMPL', platform: 'windows', agentInstalled: true, status: 'active', primaryUserEmail: 'mina.okafor@example.com' }],
    [2, { externalId: 'ep_00c1d2e3', serialNumber: null, agentInstalled: false, lastSeenAt: null, policyRef: null }],
  ])('maps fixture endpoint %i', (i, expected) => {
    expect(mapEndpoint(endpoints[i])).toMatchObject(expected);
  });

  it('tags the agent state and only the protected browsers', () => {
    expect(mapEndpoint(endpoints[0]).tags).toEqual(['engineering', 'seraphic_agent:active', 'protected_browser:chrome']);
  });

  it('marks an endpoint whose agent was uninstalled as removed', () => {
    expect(mapEndpoint({ endpointId: 'ep_x', agent: { status: 'uninstalled' } }).status).toBe('removed');
  });

  it.each([
    ['a user', () => mapSeraphicUser(list<never>('proposed_users.json')[1]), { externalId: 'usr_9b2e', email: 'mina.okafor@example.com', department: 'Engineering', active: true }],
    ['a policy', () => mapSeraphicPolicy(list<never>('proposed_policies.json')[1]), { externalId: 'pol_high_risk', name: 'High-Risk Users', enabled: true, deviceCount: 14 }],
    ['a detection', () => mapSeraphicDetection(list<never>('proposed_detections.json')[1]), { externalId: 'det_01HZX40QJ2', title: 'Exploit attempt blocked', severity: 'critical', deviceExternalId: 'ep_7f3c2a91', classification: 'exploit_attempt' }],
    ['a DLP violation', () => mapDlpViolation(list<never>('proposed_dlp_violations.json')[0]), { externalId: 'dlp:dlp_01HZX41AA0', title: 'Block PII upload to personal storage', classification: 'dlp', deviceExternalId: 'ep_7f3c2a91' }],
    ['a feed Alert', () => mapSentinelAlert(fixture<{ response_body: SentinelRecord[] }>('seraphic', 'sentinel_poll_events.json').response_body[1]), { externalId: 'feed:alr_01HZX3YB7M', severity: 'high', classification: 'phishing', detectedAt: '2025-05-20T09:03:40Z' }],
  ])('maps %s', (_what, map, expected) => {
    expect(map()).toMatchObject(expected);
  });

  it('gives a feed record without an id a stable content-hash id', () => {
    const r: SentinelRecord = { bd_type: 'Alert', bd_time: '2025-05-20T09:03:40Z', bd_category: 'phishing' };
    expect(mapSentinelAlert(r).externalId).toBe(mapSentinelAlert({ ...r }).externalId);
  });
});
