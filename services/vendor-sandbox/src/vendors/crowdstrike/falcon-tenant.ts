import { hexId, type Fleet } from '../../fleet';

/** Options of the Falcon simulator on top of the shared seed. */
export interface FalconTenantOptions {
  fleet: Fleet;
  hosts: number;
  people: number;
  deviceOffset: number;
  hiddenEvery: number;
  alerts: number;
  containmentDelayMs: number;
  createdAtMs: number;
}

const HOUR_MS = 3_600_000;
const POLICY_PLATFORMS = ['Windows', 'Mac', 'Linux', 'Mac'];

/** The Falcon CID the simulator serves: hosts, policies and alerts generated from their index. */
export class FalconTenant {
  readonly cid: string;
  readonly hidden = new Map<number, boolean>();
  readonly containment = new Map<number, { target: 'contained' | 'normal'; atMs: number }>();
  private sorted: number[] | undefined;

  constructor(readonly o: FalconTenantOptions) {
    this.cid = hexId(32, o.fleet.seed, 'falcon-cid');
  }

  hostId(i: number): string {
    return `${hexId(24, this.o.fleet.seed, 'falcon-host', i)}${i.toString(16).padStart(8, '0')}`;
  }

  hostIndex(id: string): number {
    const i = parseInt(id.slice(24), 16);
    return id.length === 32 && Number.isInteger(i) && i >= 0 && i < this.o.hosts && this.hostId(i) === id ? i : -1;
  }

  /** Host indexes in device_id order, the order the scroll returns them in. */
  byId(): number[] {
    this.sorted ??= Array.from({ length: this.o.hosts }, (_, i) => i).sort((a, b) => (this.hostId(a) < this.hostId(b) ? -1 : 1));
    return this.sorted;
  }

  isHidden(i: number): boolean {
    return this.hidden.get(i) ?? (this.o.hiddenEvery > 0 && i % this.o.hiddenEvery === this.o.hiddenEvery - 1);
  }

  status(i: number, now = Date.now()): string {
    const c = this.containment.get(i);
    if (!c) return 'normal';
    const settled = now - c.atMs >= this.o.containmentDelayMs;
    if (c.target === 'contained') return settled ? 'contained' : 'containment_pending';
    return settled ? 'normal' : 'lift_containment_pending';
  }

  modifiedMs(i: number): number {
    return this.containment.get(i)?.atMs ?? this.o.createdAtMs - (i % 72) * HOUR_MS;
  }

  policyId(k: number): string {
    return hexId(32, this.o.fleet.seed, 'falcon-policy', k);
  }

  host(i: number): Record<string, unknown> {
    const d = this.o.fleet.device(i + this.o.deviceOffset, this.o.people);
    const owner = this.o.fleet.person(d.ownerIndex);
    const policy = this.policyId(d.platform === 'Mac' ? 1 : 3);
    return {
      device_id: this.hostId(i),
      cid: this.cid,
      agent_version: '7.20.19103.0',
      hostname: d.hostname,
      platform_name: d.platform === 'Mac' ? 'Mac' : 'iOS',
      os_version: d.platform === 'Mac' ? `macOS ${d.osVersion}` : `iOS ${d.osVersion}`,
      os_product_name: d.platform === 'Mac' ? 'macOS' : 'iOS',
      product_type_desc: 'Workstation',
      serial_number: d.serial,
      system_manufacturer: 'Apple Inc.',
      system_product_name: d.modelId,
      mac_address: hexId(12, 'mac', i).replace(/(..)(?!$)/g, '$1-'),
      local_ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      first_seen: new Date(this.o.createdAtMs - 300 * 24 * HOUR_MS).toISOString(),
      last_seen: new Date(this.o.createdAtMs - (i % 24) * HOUR_MS).toISOString(),
      modified_timestamp: new Date(this.modifiedMs(i)).toISOString(),
      last_login_user: owner.email.split('@')[0],
      email: owner.email,
      status: this.status(i),
      host_hidden_status: this.isHidden(i) ? 'hidden' : 'visible',
      reduced_functionality_mode: 'no',
      tags: [`FalconGroupingTags/${owner.department.toLowerCase()}`],
      device_policies: { prevention: { policy_type: 'prevention', policy_id: policy, applied: true } },
      policies: [{ policy_type: 'prevention', policy_id: policy, applied: true }],
    };
  }

  policies(): Array<Record<string, unknown>> {
    return POLICY_PLATFORMS.map((platform, k) => ({
      id: this.policyId(k),
      cid: this.cid,
      name: k === 3 ? 'platform_default' : `Workstations - ${platform}`,
      description: k === 3 ? 'Platform default policy' : `Standard prevention for ${platform} hosts`,
      platform_name: platform,
      enabled: true,
      created_timestamp: new Date(this.o.createdAtMs - 500 * 24 * HOUR_MS).toISOString(),
      modified_timestamp: new Date(this.o.createdAtMs - 20 * 24 * HOUR_MS).toISOString(),
      groups: [],
      prevention_settings: [{ name: 'Cloud Machine Learning', settings: [{ id: 'CloudAntiMalware', name: 'Cloud Anti-malware', type: 'mlslider', value: { detection: 'MODERATE', prevention: 'MODERATE' } }] }],
      ioa_rule_groups: [],
    }));
  }

  alertCreatedMs(k: number): number {
    return this.o.createdAtMs - (this.o.alerts - k) * 10 * 60_000;
  }

  alert(k: number): Record<string, unknown> {
    const i = (k * 37) % Math.max(1, this.o.hosts);
    const aid = this.hostId(i);
    const severity = [30, 50, 70, 90][k % 4];
    const created = new Date(this.alertCreatedMs(k)).toISOString();
    return {
      composite_id: `${this.cid}:ind:${aid}:${1000 + k}-${10197 + (k % 5)}-${k}`,
      id: `ind:${aid}:${1000 + k}-${10197 + (k % 5)}-${k}`,
      agent_id: aid,
      cid: this.cid,
      type: 'ldt',
      product: 'epp',
      name: 'SuspiciousScriptExecution',
      display_name: 'Suspicious script execution',
      description: 'A script interpreter ran an obfuscated command line.',
      severity,
      severity_name: ['Low', 'Medium', 'High', 'Critical'][k % 4],
      status: k % 3 === 0 ? 'in_progress' : 'new',
      tactic: 'Execution',
      technique: 'Command and Scripting Interpreter',
      created_timestamp: created,
      updated_timestamp: created,
      timestamp: created,
      device: { device_id: aid, hostname: this.host(i).hostname },
    };
  }
}
