import { fixture } from '@trustsync/testing';
import type { FalconAlert, FalconEnvelope, FalconHost, FalconPreventionPolicy } from './falcon-types';
import { falconSeverity, mapFalconAlert, mapFalconHost, mapFalconPolicy } from './mappers';

const hosts = fixture<FalconEnvelope<FalconHost>>('crowdstrike', 'devices-entities-v2.json').resources!;

describe('mapFalconHost', () => {
  it.each([
    ['0f1e2d3c4b5a69788796a5b4c3d2e1f0', '5CG1234XYZ', 'windows', 'crowdstrike:containment:normal'],
    ['a1b2c3d4e5f60718293a4b5c6d7e8f90', 'C02ZZ0ZZZZZZ', 'macos', 'crowdstrike:containment:contained'],
    ['b2c3d4e5f6a70819203b4c5d6e7f8091', 'ec2f1a2b-0000-1111-2222-333344445555', 'linux', 'crowdstrike:containment:containment_pending'],
  ])('maps host %s to serial %s on %s tagged %s', (id, serial, platform, tag) => {
    const r = mapFalconHost(hosts.find((h) => h.device_id === id)!);
    expect({ serial: r.serialNumber, platform: r.platform, status: r.status, hasTag: r.tags.includes(tag) }).toEqual({ serial, platform, status: 'active', hasTag: true });
  });

  it('names the prevention policy the host is assigned to', () => {
    expect(mapFalconHost(hosts[0]).policyRef).toBe('9f8e7d6c5b4a39281706f5e4d3c2b1a0');
  });

  it('reports a hidden host as removed and tagged hidden instead of dropping it', () => {
    const r = mapFalconHost(hosts[0], { hidden: true });
    expect({ status: r.status, hidden: r.tags.includes('crowdstrike:hidden') }).toEqual({ status: 'removed', hidden: true });
  });
});

describe('mapFalconPolicy', () => {
  it('maps each prevention policy with its platform', () => {
    const policies = fixture<FalconEnvelope<FalconPreventionPolicy>>('crowdstrike', 'prevention-policies-combined.json').resources!;
    expect(policies.map(mapFalconPolicy).map((p) => [p.name, p.policyType, p.enabled])).toEqual([
      ['Workstations - Windows', 'crowdstrike:prevention:windows', true],
      [policies[1].name, 'crowdstrike:prevention:linux', policies[1].enabled],
    ]);
  });
});

describe('mapFalconAlert', () => {
  const alerts = fixture<FalconEnvelope<FalconAlert>>('crowdstrike', 'alerts-entities-v2.json').resources!;

  it.each([
    [0, 'high', 'new', '0f1e2d3c4b5a69788796a5b4c3d2e1f0'],
    [1, 'critical', 'in_progress', 'b2c3d4e5f6a70819203b4c5d6e7f8091'],
  ])('maps alert %i to severity %s, status %s, host %s', (i, severity, status, host) => {
    const r = mapFalconAlert(alerts[i]);
    expect({ id: r.externalId, severity: r.severity, status: r.status, host: r.deviceExternalId }).toEqual({ id: alerts[i].composite_id, severity, status, host });
  });

  it.each([
    [undefined, 95, 'critical'],
    [undefined, 10, 'informational'],
    ['Medium', 99, 'medium'],
  ])('reads severity name %s / score %i as %s', (name, score, expected) => {
    expect(falconSeverity(name, score)).toBe(expected);
  });
});
