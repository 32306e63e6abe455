import { hexId, uuidFor, type Fleet, type FleetDevice, type Person } from '../../fleet';

/** Credentials the Zscaler simulator accepts. */
export interface ZscalerSandboxCredentials {
  ziaApiKey: string;
  ziaUsername: string;
  ziaPassword: string;
  zpaClientId: string;
  zpaClientSecret: string;
  zpaCustomerId: string;
  zccApiKey: string;
  zccSecretKey: string;
  oneApiClientId: string;
  oneApiClientSecret: string;
}

/** The credentials used unless the seed names others. */
export const DEFAULT_ZSCALER_CREDENTIALS: ZscalerSandboxCredentials = {
  ziaApiKey: 'SbxZiaApiKey0123456789',
  ziaUsername: 'api-admin@example.com',
  ziaPassword: 'sandbox-zia-password',
  zpaClientId: 'sandbox-zpa-client',
  zpaClientSecret: 'sandbox-zpa-secret',
  zpaCustomerId: '216196257331281920',
  zccApiKey: 'sandbox-zcc-key',
  zccSecretKey: 'sandbox-zcc-secret',
  oneApiClientId: 'sandbox-oneapi-client',
  oneApiClientSecret: 'sandbox-oneapi-secret',
};

/** Size and behaviour of a generated Zscaler tenant. */
export interface ZscalerTenantOptions {
  fleet: Fleet;
  people: number;
  devices: number;
  deviceOffset: number;
  segments: number;
  accessRules: number;
  urlRules: number;
  firewallRules: number;
}

/** The group the platform's quarantine lever uses (id and name as in the fixtures). */
export const QUARANTINE_GROUP = { id: 24326901, name: 'Quarantine-Risky-Devices' } as const;

type Named = { id: number; name: string };

/** A staged or activated ZIA change, as the admin API lists it. */
export interface ZiaChange {
  at: string;
  kind: 'user.update';
  userId: number;
  email: string;
  groups: Named[];
}

/**
 * A generated Zscaler tenant: ZIA users/groups/departments/rules, ZPA segments and access rules,
 * and ZCC devices, all computed from their index so large tenants cost no memory. Only changes
 * (group moves, removed devices) are stored.
 */
export class ZscalerTenant {
  readonly departments: Named[];
  readonly groups: Named[];
  private readonly userGroups = new Map<number, Named[]>();
  private readonly deviceState = new Map<number, string>();
  private udidIndex: Map<string, number> | undefined;
  staged: ZiaChange[] = [];
  /** Activations that took staged changes live (an activation with nothing staged is only counted). */
  readonly activations: Array<{ at: string; changes: ZiaChange[] }> = [];
  /** Every `POST /status/activate` accepted, whether or not anything was staged (ZIA allows about one at a time). */
  activationRequests = 0;
  /** Every accepted ZIA write (`PUT /users/{id}`). */
  writes = 0;
  readonly removals: Array<{ at: string; udid: string; forced: boolean; user: string }> = [];

  constructor(readonly opts: ZscalerTenantOptions) {
    const names = new Set<string>();
    for (let j = 0; j < Math.min(opts.people, 500); j++) names.add(opts.fleet.person(j).department);
    this.departments = [...names].sort().map((name, k) => ({ id: 24330000 + k, name }));
    this.groups = [...this.departments.map((d, k) => ({ id: 24320000 + k, name: d.name })), { ...QUARANTINE_GROUP }];
  }

  get userCount(): number {
    return this.opts.people;
  }

  person(j: number): Person {
    return this.opts.fleet.person(j);
  }

  /** The ZIA user of person `j`. */
  user(j: number): Record<string, unknown> {
    const p = this.person(j);
    const id = 170000000 + j;
    const dept = this.departments.find((d) => d.name === p.department) ?? this.departments[0];
    const groups = this.userGroups.get(id) ?? [this.groups[this.departments.indexOf(dept)]];
    return { id, name: p.name, email: p.email, groups, department: { id: dept.id, name: dept.name }, adminUser: false, isNonEditable: false, pwdLastModifiedTime: 0, deleted: j % 250 === 249, pilotUser: false };
  }

  userIndex(id: number): number | undefined {
    const j = id - 170000000;
    return Number.isInteger(j) && j >= 0 && j < this.opts.people ? j : undefined;
  }

  /** Stages a user's new group list; it shows in reads at once and is activated later. */
  stageUserGroups(id: number, groups: Named[]): ZiaChange {
    this.userGroups.set(id, groups);
    const change: ZiaChange = { at: new Date().toISOString(), kind: 'user.update', userId: id, email: String(this.user(this.userIndex(id)!).email), groups };
    this.staged.push(change);
    return change;
  }

  activate(): void {
    if (this.staged.length) this.activations.push({ at: new Date().toISOString(), changes: this.staged });
    this.staged = [];
  }

  urlRule(k: number): Record<string, unknown> {
    const quarantine = k === 1;
    return {
      id: 1690943 + k,
      accessControl: 'READ_WRITE',
      name: quarantine ? 'Quarantine risky devices' : `URL policy ${k + 1}`,
      order: k + 1,
      protocols: quarantine ? ['ANY_RULE'] : ['HTTPS_RULE', 'HTTP_RULE'],
      urlCategories: quarantine ? ['ANY'] : ['OTHER_ADULT_MATERIAL'],
      state: k % 7 === 6 ? 'DISABLED' : 'ENABLED',
      rank: 7,
      action: quarantine || k % 2 === 0 ? 'BLOCK' : 'CAUTION',
      description: quarantine ? 'Managed by integration platform' : 'Corporate AUP',
      lastModifiedTime: 1747730467,
      lastModifiedBy: { id: 117810311, name: 'api-admin@example.com' },
      ...(quarantine ? { groups: [{ ...QUARANTINE_GROUP }], deviceTrustLevels: ['LOW_TRUST', 'UNKNOWN_DEVICETRUSTLEVEL'] } : {}),
      predefined: false,
    };
  }

  /** Cloud firewall filtering rule `k`, shaped as the vendor's Go SDK reads it; the last one is ZIA's default rule. */
  firewallRule(k: number): Record<string, unknown> {
    const last = k === this.opts.firewallRules - 1;
    const quarantine = k === 0;
    return {
      id: 1700120 + k,
      name: last ? 'Default Firewall Filtering Rule' : quarantine ? 'Block non-web traffic from quarantined users' : `Firewall rule ${k + 1}`,
      order: last ? -1 : k + 1,
      rank: 7,
      accessControl: 'READ_WRITE',
      enableFullLogging: false,
      action: last || quarantine || k % 3 === 2 ? 'BLOCK_DROP' : 'ALLOW',
      state: k % 5 === 4 && !last ? 'DISABLED' : 'ENABLED',
      ...(quarantine ? { description: 'Managed by integration platform', groups: [{ ...QUARANTINE_GROUP }] } : {}),
      lastModifiedTime: 1747730467,
      lastModifiedBy: { id: 117810311, name: 'api-admin@example.com' },
      nwServices: last ? [] : [{ id: 774003 + (k % 4), name: ['HTTP', 'HTTPS', 'DNS', 'SSH'][k % 4] }],
      defaultRule: last,
      predefined: last,
      deviceGroups: [],
      devices: [],
    };
  }

  segment(k: number): Record<string, unknown> {
    const id = `2161962573315${String(k).padStart(5, '0')}`;
    const domain = `app-${k}.corp.example.com`;
    return {
      modifiedTime: '1747729874',
      creationTime: '1747729874',
      id,
      domainNames: [domain],
      name: domain,
      description: domain,
      enabled: k % 11 !== 10,
      tcpPortRanges: ['443', '443'],
      tcpPortRange: [{ from: '443', to: '443' }],
      segmentGroupId: '216196257331404637',
      segmentGroupName: this.departments[k % this.departments.length].name,
      microtenantName: 'Default',
    };
  }

  accessRule(k: number): Record<string, unknown> {
    return {
      id: `2161962573316${String(k).padStart(5, '0')}`,
      modifiedTime: '1747729861',
      creationTime: '1747729860',
      name: `Access rule ${k + 1}`,
      description: 'Allow SCIM group',
      ruleOrder: String(k + 1),
      priority: String(k + 1),
      policyType: '1',
      operator: 'AND',
      action: k % 5 === 4 ? 'DENY' : 'ALLOW',
      disabled: k % 9 === 8 ? '1' : '0',
      policySetId: '216196257331281925',
      conditions: [{ operator: 'OR', negated: false, operands: [{ objectType: 'SCIM_GROUP', lhs: '216196257331285825', rhs: String(3251059 + k) }] }],
    };
  }

  fleetDevice(i: number): FleetDevice {
    return this.opts.fleet.device(this.opts.deviceOffset + i, this.opts.people);
  }

  udid(i: number): string {
    const d = this.fleetDevice(i);
    const id = uuidFor(this.opts.fleet.seed, 'zcc', d.index).toUpperCase();
    return d.platform === 'Mac' ? `${id}:501` : id;
  }

  deviceIndex(udid: string): number | undefined {
    if (!this.udidIndex) {
      this.udidIndex = new Map();
      for (let i = 0; i < this.opts.devices; i++) this.udidIndex.set(this.udid(i), i);
    }
    return this.udidIndex.get(udid);
  }

  registration(i: number): string {
    return this.deviceState.get(i) ?? (i % 53 === 52 ? 'Quarantined' : i % 97 === 96 ? 'Unregistered' : 'Registered');
  }

  /** A soft removal leaves the device "Remove pending"; a forced one removes it. */
  remove(i: number, forced: boolean, user: string): void {
    this.deviceState.set(i, forced ? 'Removed' : 'Remove pending');
    this.removals.push({ at: new Date().toISOString(), udid: this.udid(i), forced, user });
  }

  /** A `getDevices` row. */
  device(i: number): Record<string, unknown> {
    const d = this.fleetDevice(i);
    const owner = this.person(d.ownerIndex);
    const mac = d.platform === 'Mac';
    const state = this.registration(i);
    const lastSeen = String(1747734000 - (i % 500) * 3600);
    return {
      companyName: 'Northwind Labs',
      type: mac ? 4 : 1,
      state: { Registered: 1, Unregistered: 2, 'Remove pending': 3, Removed: 5, Quarantined: 6 }[state],
      udid: this.udid(i),
      macAddress: `02:${hexId(10, this.opts.fleet.seed, 'mac', d.index).replace(/(..)(?!$)/g, '$1:')}`.toUpperCase(),
      user: owner.email,
      detail: `Apple ${d.modelId}`,
      policyName: mac ? 'Default macOS' : 'Default iOS',
      last_seen_time: lastSeen,
      osVersion: mac ? `Version ${d.osVersion} (Build 23G93) ;arm` : `Version ${d.osVersion}`,
      agentVersion: '4.5.2.73',
      registrationState: state,
      owner: owner.firstName.toLowerCase(),
      machineHostname: d.hostname,
      manufacturer: 'Apple',
      download_count: 8,
      registration_time: '1747000000',
      deregistrationTimestamp: state === 'Registered' || state === 'Quarantined' ? '' : '1747700000',
      config_download_time: '1747730000',
      keepAliveTime: lastSeen,
      hardwareFingerprint: hexId(40, this.opts.fleet.seed, 'hwfp', d.index),
      tunnelVersion: '20:1',
      vpnState: 0,
      upmVersion: '4.4.1.12',
      zappArch: null,
    };
  }

  /** A `getDeviceDetails` answer; the OTP array is there, as in the real API, and must not be kept. */
  details(i: number): Record<string, unknown> {
    const row = this.device(i);
    const d = this.fleetDevice(i);
    const active = row.registrationState === 'Registered' || row.registrationState === 'Quarantined';
    return {
      id: String(190000000 + i),
      type: row.type,
      state: row.state,
      user_name: row.user,
      owner: row.owner,
      machineHostname: row.machineHostname,
      manufacturer: 'Apple',
      internal_model: d.modelId,
      external_model: d.modelId,
      os_version: row.osVersion,
      unique_id: row.udid,
      agent_version: row.agentVersion,
      last_seen_time: row.last_seen_time,
      registration_time: row.registration_time,
      deregistration_time: row.deregistrationTimestamp,
      serialNumber: d.serial,
      ziaEnabled: 'true',
      zpaEnabled: 'true',
      ziaHealth: active ? 'Active' : 'Inactive',
      zpaHealth: active ? 'Active' : 'Inactive',
      zpaLastSeenTime: row.last_seen_time,
      deviceOtpArray: [hexId(12, this.opts.fleet.seed, 'otp', i)],
      deviceTrust: row.registrationState === 'Quarantined' ? 1 : 3,
      expectedZCCVersion: '4.5.2.73',
      zccUpgradeStatus: 'Completed',
    };
  }
}
