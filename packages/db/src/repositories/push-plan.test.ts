import { planPushes, type PushTarget } from './pushes.repository';

const base: PushTarget = { integrationId: 'INT-000000000001', integrationType: 'zscaler', enabled: true, pushCompliance: true, pushRiskScores: false, externalId: 'udid-1' };
const canReceive = (type: string): boolean => type !== 'kandji';

describe('planPushes', () => {
  it.each<[string, Partial<PushTarget>, string | undefined, string]>([
    ['a mapped receiver with the switch on', {}, undefined, 'send'],
    ['a disabled integration', { enabled: false }, undefined, 'integration_disabled'],
    ['a vendor with no push API', { integrationType: 'kandji' }, undefined, 'vendor_cannot_receive'],
    ['push_compliance off', { pushCompliance: false }, undefined, 'push_disabled'],
    ['a device the vendor does not know', { externalId: null }, undefined, 'no_mapping'],
    ['a vendor outside the route', {}, 'okta', 'not_routed'],
  ])('decides %s', (_name, overrides, routedTo, expected) => {
    const [decision] = planPushes('compliance', [{ ...base, ...overrides }], canReceive, routedTo ? [routedTo] : undefined);
    expect(decision.send ? 'send' : decision.reason).toBe(expected);
  });

  it('checks the risk switch for a risk push', () => {
    expect(planPushes('risk', [base], canReceive)[0]).toMatchObject({ send: false, reason: 'push_disabled' });
  });
});
