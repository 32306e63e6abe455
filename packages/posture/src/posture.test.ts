import { DEFAULT_COMPLIANCE_RULES, compareVersions, evaluateCompliance, riskLevelOf, routeFor, scoreRisk, type PostureSignals } from './index';

const NOW = Date.parse('2026-12-10T12:00:00Z');

function signals(overrides: Partial<PostureSignals> = {}): PostureSignals {
  return {
    deviceId: 'DEV-000000000001',
    status: 'active',
    platform: 'Mac',
    osName: 'macOS',
    osVersion: '15.1',
    filevaultEnabled: true,
    sipEnabled: true,
    firewallEnabled: true,
    gatekeeperEnabled: true,
    lastSeenAt: '2026-12-10T08:00:00Z',
    reportedBy: ['kandji', 'crowdstrike'],
    configuredVendors: ['kandji', 'crowdstrike', 'zscaler'],
    detections: [],
    ...overrides,
  };
}

describe('compareVersions', () => {
  it.each([
    ['14.10', '14.9', 1],
    ['14.0', '14', 0],
    ['13.6.1', '14.0', -1],
  ])('orders %s against %s as %i', (a, b, expected) => {
    expect(compareVersions(a, b)).toBe(expected);
  });
});

describe('evaluateCompliance', () => {
  it.each<[string, Partial<PostureSignals>, string[]]>([
    ['a healthy Mac', {}, []],
    ['FileVault off', { filevaultEnabled: false }, ['filevault_disabled']],
    ['SIP off', { sipEnabled: false }, ['sip_disabled']],
    ['firewall off', { firewallEnabled: false }, ['firewall_disabled']],
    ['Gatekeeper off', { gatekeeperEnabled: false }, ['gatekeeper_disabled']],
    ['macOS 13', { osVersion: '13.6.1' }, ['os_outdated']],
    ['no CrowdStrike sensor', { reportedBy: ['kandji'] }, ['edr_sensor_missing']],
    ['an open high detection', { detections: [{ id: 'd1', severity: 'high', status: 'new', detectedAt: null }] }, ['open_high_severity_detection']],
    ['a closed critical detection', { detections: [{ id: 'd1', severity: 'critical', status: 'closed', detectedAt: null }] }, []],
    ['a retired device', { status: 'retired' }, ['device_not_active']],
  ])('gives %s the violations %j', (_name, overrides, violations) => {
    const result = evaluateCompliance(signals(overrides));
    expect({ compliant: result.isCompliant, violations: result.violations }).toEqual({ compliant: violations.length === 0, violations });
  });

  it('skips the EDR check when no EDR vendor is configured', () => {
    expect(evaluateCompliance(signals({ reportedBy: ['kandji'], configuredVendors: ['kandji', 'okta'] })).isCompliant).toBe(true);
  });

  it('leaves a device with no posture data from any vendor unevaluated', () => {
    const result = evaluateCompliance(signals({ filevaultEnabled: null, sipEnabled: null, firewallEnabled: null, gatekeeperEnabled: null }));
    expect([result.isCompliant, result.complianceScore]).toEqual([null, null]);
  });

  it('scores the share of checks passed', () => {
    expect(evaluateCompliance(signals({ filevaultEnabled: false, firewallEnabled: false })).complianceScore).toBe(75);
  });

  it('passes a switched-off check whatever the value', () => {
    expect(evaluateCompliance(signals({ filevaultEnabled: false }), { ...DEFAULT_COMPLIANCE_RULES, requireFileVault: false }).isCompliant).toBe(true);
  });

  it('fails unknown checks when the rules say so', () => {
    expect(evaluateCompliance(signals({ sipEnabled: null }), { ...DEFAULT_COMPLIANCE_RULES, unknownFails: true }).violations).toEqual(['sip_disabled']);
  });
});

describe('scoreRisk', () => {
  it.each<[string, Partial<PostureSignals>, number, string]>([
    ['a healthy device', {}, 0, 'low'],
    ['one open medium detection', { detections: [{ id: 'd', severity: 'medium', status: 'new', detectedAt: null }] }, 10, 'low'],
    ['FileVault off and an open high', { filevaultEnabled: false, detections: [{ id: 'd', severity: 'high', status: 'new', detectedAt: null }] }, 45, 'medium'],
    ['an open critical', { detections: [{ id: 'd', severity: 'critical', status: 'new', detectedAt: null }] }, 60, 'high'],
    ['a device silent for a month', { lastSeenAt: '2026-11-01T00:00:00Z' }, 10, 'low'],
  ])('scores %s %i (%s)', (_name, overrides, score, level) => {
    const s = signals(overrides);
    const risk = scoreRisk(s, evaluateCompliance(s), DEFAULT_COMPLIANCE_RULES, NOW);
    expect([risk.totalRiskScore, risk.riskLevel]).toEqual([score, level]);
  });

  it('caps the score at 100', () => {
    const critical = { id: 'd', severity: 'critical', status: 'new', detectedAt: null };
    const s = signals({ detections: [critical, critical, critical] });
    expect(scoreRisk(s, evaluateCompliance(s), DEFAULT_COMPLIANCE_RULES, NOW)).toMatchObject({ totalRiskScore: 100, riskLevel: 'critical' });
  });

  it('names its factors in a stable order', () => {
    const s = signals({ filevaultEnabled: false, detections: [{ id: 'd', severity: 'high', status: 'new', detectedAt: null }] });
    expect(scoreRisk(s, evaluateCompliance(s), DEFAULT_COMPLIANCE_RULES, NOW).riskFactors).toEqual(['filevault_disabled', 'open_high_detections:1', 'open_high_severity_detection']);
  });

  it.each([[0, 'low'], [25, 'medium'], [50, 'high'], [80, 'critical']])('puts score %i in level %s', (score, level) => {
    expect(riskLevelOf(score)).toBe(level);
  });
});

describe('routeFor', () => {
  it.each<[string, 'compliance' | 'risk', Array<'compliance' | 'risk' | 'threat' | 'status'>, string[]]>([
    ['compliance changes', 'compliance', ['compliance'], ['kandji', 'zscaler', 'seraphic', 'okta']],
    ['risk changes', 'risk', ['risk'], ['zscaler', 'seraphic']],
    ['a risk change for a compliance push', 'compliance', ['risk'], []],
    ['a new threat', 'risk', ['threat'], ['kandji', 'zscaler', 'seraphic', 'okta', 'crowdstrike']],
    ['a status change', 'compliance', ['status'], ['kandji', 'zscaler']],
  ])('routes %s for a %s push to the vendors of the original design', (_name, kind, changes, targets) => {
    expect(routeFor(kind, changes)).toEqual(targets);
  });
});

