import { hexId, type Fleet, type FleetDevice } from '../../fleet';

/** Size of a generated Seraphic tenant. */
export interface SeraphicTenantOptions {
  fleet: Fleet;
  people: number;
  devices: number;
  deviceOffset: number;
  detections: number;
  dlpViolations: number;
  /** Detections and violations are spread back from this instant, one every `spacingMs`. */
  anchorMs: number;
  spacingMs: number;
}

/** The policies every generated tenant has. */
export const SERAPHIC_POLICIES = [
  { policyId: 'pol_default_corp', name: 'Corporate Default', description: 'Baseline browser protections', enabled: true, priority: 100 },
  { policyId: 'pol_high_risk', name: 'High-Risk Users', description: 'Applied when platform risk >= 70', enabled: true, priority: 10 },
  { policyId: 'pol_contractors', name: 'Contractors', description: 'Isolation for unmanaged access', enabled: true, priority: 50 },
  { policyId: 'pol_legacy', name: 'Legacy pilot', description: 'Retired pilot policy', enabled: false, priority: 200 },
] as const;

const TYPES = ['phishing', 'exploit_attempt', 'malicious_extension', 'credential_theft'] as const;
const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

/**
 * A generated Seraphic tenant (proposed API shapes, no public source). Endpoint `i` is fleet
 * device `offset + i`, so serials match the other vendors; every 40th endpoint has no serial, and
 * every 61st has no agent. Pushed risk signals are the only stored state.
 */
export class SeraphicTenant {
  readonly pushes: Array<{ at: string; endpointId: string; body: Record<string, unknown>; appliedPolicyId: string }> = [];
  private readonly overrides = new Map<number, Record<string, unknown>>();
  private idIndex: Map<string, number> | undefined;

  constructor(readonly opts: SeraphicTenantOptions) {}

  fleetDevice(i: number): FleetDevice {
    return this.opts.fleet.device(this.opts.deviceOffset + i, this.opts.people);
  }

  endpointId(i: number): string {
    return `ep_${hexId(8, this.opts.fleet.seed, 'seraphic', this.fleetDevice(i).index)}`;
  }

  indexOf(endpointId: string): number | undefined {
    if (!this.idIndex) {
      this.idIndex = new Map();
      for (let i = 0; i < this.opts.devices; i++) this.idIndex.set(this.endpointId(i), i);
    }
    return this.idIndex.get(endpointId);
  }

  /** Changes an endpoint (tests: uninstall the agent, drop the serial). */
  patch(i: number, fields: Record<string, unknown>): void {
    this.overrides.set(i, { ...this.overrides.get(i), ...fields });
  }

  endpoint(i: number): Record<string, unknown> {
    const d = this.fleetDevice(i);
    const owner = this.opts.fleet.person(d.ownerIndex);
    const installed = i % 61 !== 60;
    const high = this.pushes.some((p) => p.endpointId === this.endpointId(i) && p.appliedPolicyId === 'pol_high_risk');
    const policy = !installed ? null : high ? SERAPHIC_POLICIES[1] : SERAPHIC_POLICIES[i % 17 === 16 ? 2 : 0];
    return {
      endpointId: this.endpointId(i),
      hostname: d.hostname,
      serialNumber: i % 40 === 39 ? null : d.serial,
      platform: d.platform === 'Mac' ? 'macos' : 'ipados',
      osVersion: d.osVersion,
      userEmail: owner.email,
      agent: installed ? { installed: true, version: '3.8.1', status: i % 23 === 22 ? 'degraded' : 'active', lastSeen: new Date(this.opts.anchorMs - (i % 300) * 60_000).toISOString().replace('.000', '') } : { installed: false, version: null, status: 'not_installed', lastSeen: null },
      browsers: installed ? [{ name: 'chrome', version: '136.0.7103.93', protected: true }, { name: 'safari', version: '17.6', protected: false }] : [],
      policyId: policy?.policyId ?? null,
      policyName: policy?.name ?? null,
      protection: { exploitPrevention: installed, dlp: installed, isolation: policy?.policyId === 'pol_high_risk' },
      riskScore: installed ? (i * 37) % 100 : null,
      tags: [owner.department.toLowerCase()],
      ...this.overrides.get(i),
    };
  }

  user(j: number): Record<string, unknown> {
    const p = this.opts.fleet.person(j);
    // The index in the id keeps ids unique: six hash digits alone repeat within 2,000 people.
    return { userId: `usr_${hexId(6, this.opts.fleet.seed, 'seraphic-user', j)}${j.toString(16).padStart(6, '0')}`, email: p.email, name: p.name, department: p.department, endpointCount: j < this.opts.devices ? 1 : 0, riskLevel: SEVERITIES[j % 3] };
  }

  policy(k: number): Record<string, unknown> {
    const p = SERAPHIC_POLICIES[k];
    return { ...p, endpointCount: null, settings: { exploitPrevention: 'block' }, updatedAt: '2025-04-30T12:00:00Z' };
  }

  /** Detection `k` happened `k * spacingMs` before the anchor. */
  detectionTimeMs(k: number): number {
    return this.opts.anchorMs - k * this.opts.spacingMs;
  }

  detection(k: number): Record<string, unknown> {
    const i = (k * 7) % Math.max(1, this.opts.devices);
    return {
      detectionId: `det_${hexId(10, this.opts.fleet.seed, 'det', k).toUpperCase()}`,
      type: TYPES[k % TYPES.length],
      severity: SEVERITIES[(k >> 2) % SEVERITIES.length],
      endpointId: this.endpointId(i),
      userEmail: this.endpoint(i).userEmail,
      browser: 'chrome',
      url: `https://bad-${k}.example-phish.test/`,
      actionTaken: k % 5 === 4 ? 'allowed' : 'blocked',
      detectedAt: new Date(this.detectionTimeMs(k)).toISOString().replace('.000', ''),
      policyId: 'pol_default_corp',
    };
  }

  dlpViolation(k: number): Record<string, unknown> {
    const i = (k * 11) % Math.max(1, this.opts.devices);
    return {
      violationId: `dlp_${hexId(10, this.opts.fleet.seed, 'dlp', k).toUpperCase()}`,
      endpointId: this.endpointId(i),
      userEmail: this.endpoint(i).userEmail,
      ruleId: 'rule_pii_upload',
      ruleName: 'Block PII upload to personal storage',
      channel: k % 2 ? 'clipboard' : 'upload',
      destination: 'https://drive.example-personal.test',
      dataTypes: ['credit_card'],
      matchCount: 1 + (k % 20),
      action: 'blocked',
      occurredAt: new Date(this.detectionTimeMs(k) - 30_000).toISOString().replace('.000', ''),
    };
  }

  /** Indexes of records whose time falls in [fromMs, toMs). */
  inWindow(count: number, fromMs: number, toMs: number, shiftMs = 0): number[] {
    const out: number[] = [];
    for (let k = 0; k < count; k++) {
      const t = this.detectionTimeMs(k) - shiftMs;
      if (t >= fromMs && t < toMs) out.push(k);
    }
    return out;
  }
}
