import { hexId, type Fleet } from '../../fleet';

/** Options of the Okta simulator on top of the shared seed. */
export interface OktaTenantOptions {
  fleet: Fleet;
  users: number;
  devices: number;
  people: number;
  deviceOffset: number;
  logEvents: number;
  createdAtMs: number;
}

const DAY_MS = 86_400_000;
const LOG_TYPES = ['user.authentication.sso', 'user.session.start', 'user.authentication.auth_via_mfa', 'user.account.lock', 'user.session.end', 'policy.evaluate_sign_on'];
const POLICY_COUNTS: Record<string, number> = { OKTA_SIGN_ON: 2, ACCESS_POLICY: 3, PASSWORD: 1, MFA_ENROLL: 1 };

/** The Okta org the simulator serves: users, groups, devices and log events generated from their index. */
export class OktaTenant {
  readonly userOverrides = new Map<number, { status?: string; lastUpdated?: string }>();
  readonly deviceOverrides = new Map<number, { status?: string; lastUpdated?: string }>();

  constructor(readonly o: OktaTenantOptions) {}

  userId(j: number): string {
    return `00u${j.toString(36).padStart(7, '0')}${hexId(10, this.o.fleet.seed, 'okta-user', j)}`;
  }

  /** The index encoded in a generated id, or -1 for an id this org never issued. */
  indexOf(id: string, prefix: string, count: number, idOf: (n: number) => string): number {
    if (!id.startsWith(prefix)) return -1;
    const n = parseInt(id.slice(3, 10), 36);
    return Number.isInteger(n) && n >= 0 && n < count && idOf(n) === id ? n : -1;
  }

  userIndex(id: string): number {
    return this.indexOf(id, '00u', this.o.users, (n) => this.userId(n));
  }

  userStatus(j: number): string {
    const o = this.userOverrides.get(j)?.status;
    if (o) return o;
    if (j % 50 === 49) return 'DEPROVISIONED';
    if (j % 40 === 39) return 'SUSPENDED';
    if (j % 31 === 30) return 'LOCKED_OUT';
    if (j % 97 === 96) return 'PROVISIONED';
    return 'ACTIVE';
  }

  userLastUpdated(j: number): string {
    return this.userOverrides.get(j)?.lastUpdated ?? new Date(this.o.createdAtMs - DAY_MS - (j % 1000) * 60_000).toISOString();
  }

  user(j: number, org: string): Record<string, unknown> {
    const p = this.o.fleet.person(j);
    const status = this.userStatus(j);
    const id = this.userId(j);
    return {
      id,
      status,
      created: new Date(this.o.createdAtMs - 400 * DAY_MS).toISOString(),
      activated: status === 'PROVISIONED' ? null : new Date(this.o.createdAtMs - 399 * DAY_MS).toISOString(),
      statusChanged: new Date(this.o.createdAtMs - 30 * DAY_MS).toISOString(),
      lastLogin: status === 'ACTIVE' ? new Date(this.o.createdAtMs - (j % 7) * DAY_MS).toISOString() : null,
      lastUpdated: this.userLastUpdated(j),
      passwordChanged: new Date(this.o.createdAtMs - 90 * DAY_MS).toISOString(),
      type: { id: 'oty1sandboxDEFAULT0h7' },
      profile: { firstName: p.firstName, lastName: p.lastName, mobilePhone: null, secondEmail: null, login: p.email, email: p.email, department: p.department, title: p.title },
      credentials: { password: {}, provider: { type: j % 5 === 0 ? 'ACTIVE_DIRECTORY' : 'OKTA', name: j % 5 === 0 ? 'ACTIVE_DIRECTORY' : 'OKTA' } },
      _links: { self: { href: `${org}/api/v1/users/${id}` } },
    };
  }

  /** Groups: the built-in Everyone, then one Okta group per department of the fleet. */
  groups(): Array<{ id: string; name: string; type: string; department: string | null }> {
    const departments = new Set<string>();
    for (let j = 0; j < Math.min(this.o.users, 2000); j++) departments.add(this.o.fleet.person(j).department);
    const out = [{ id: `00g${hexId(17, this.o.fleet.seed, 'everyone')}`, name: 'Everyone', type: 'BUILT_IN', department: null as string | null }];
    for (const d of [...departments].sort()) out.push({ id: `00g${hexId(17, this.o.fleet.seed, 'group', d)}`, name: d, type: 'OKTA_GROUP', department: d });
    return out;
  }

  group(g: { id: string; name: string; type: string }, org: string): Record<string, unknown> {
    return {
      id: g.id,
      created: new Date(this.o.createdAtMs - 500 * DAY_MS).toISOString(),
      lastUpdated: new Date(this.o.createdAtMs - 50 * DAY_MS).toISOString(),
      lastMembershipUpdated: new Date(this.o.createdAtMs - DAY_MS).toISOString(),
      objectClass: ['okta:user_group'],
      type: g.type,
      profile: { name: g.name, description: g.type === 'BUILT_IN' ? 'All users in your organization' : `${g.name} department` },
      _links: { users: { href: `${org}/api/v1/groups/${g.id}/users` } },
    };
  }

  isMember(j: number, g: { department: string | null }): boolean {
    return g.department === null || this.o.fleet.person(j).department === g.department;
  }

  deviceId(i: number): string {
    return `guo${i.toString(36).padStart(7, '0')}${hexId(10, this.o.fleet.seed, 'okta-device', i)}`;
  }

  deviceIndex(id: string): number {
    return this.indexOf(id, 'guo', this.o.devices, (n) => this.deviceId(n));
  }

  deviceStatus(i: number): string {
    return this.deviceOverrides.get(i)?.status ?? 'ACTIVE';
  }

  deviceUser(i: number, org: string): Record<string, unknown> {
    const d = this.o.fleet.device(i + this.o.deviceOffset, this.o.people);
    const owner = Math.min(d.ownerIndex, this.o.users - 1);
    const p = this.o.fleet.person(owner);
    return {
      managementStatus: i % 4 === 3 ? 'NOT_MANAGED' : 'MANAGED',
      screenLockType: 'BIOMETRIC',
      created: new Date(this.o.createdAtMs - 200 * DAY_MS).toISOString(),
      user: { id: this.userId(owner), profile: { firstName: p.firstName, lastName: p.lastName, login: p.email, email: p.email }, _links: { self: { href: `${org}/api/v1/users/${this.userId(owner)}` } } },
    };
  }

  device(i: number, org: string, expand: boolean): Record<string, unknown> {
    const d = this.o.fleet.device(i + this.o.deviceOffset, this.o.people);
    const id = this.deviceId(i);
    const mac = d.platform === 'Mac';
    return {
      id,
      status: this.deviceStatus(i),
      created: new Date(this.o.createdAtMs - 200 * DAY_MS).toISOString(),
      lastUpdated: this.deviceOverrides.get(i)?.lastUpdated ?? new Date(this.o.createdAtMs - (i % 48) * 3_600_000).toISOString(),
      profile: {
        displayName: d.hostname,
        platform: mac ? 'MACOS' : 'IOS',
        manufacturer: 'Apple Inc.',
        model: d.modelId,
        osVersion: d.osVersion,
        serialNumber: d.serial,
        registered: true,
        secureHardwarePresent: true,
        // The machine's own FileVault state: a guess of Okta's own made the same Mac encrypted in Kandji and not in Okta.
        diskEncryptionType: mac ? (this.o.fleet.fileVault(d.index) ? 'ALL_INTERNAL_VOLUMES' : 'NONE') : 'FULL',
      },
      resourceType: 'UDDevice',
      resourceDisplayName: { value: d.hostname, sensitive: false },
      resourceId: id,
      _links: { self: { href: `${org}/api/v1/devices/${id}` }, users: { href: `${org}/api/v1/devices/${id}/users` } },
      ...(expand ? { _embedded: { users: [this.deviceUser(i, org)] } } : {}),
    };
  }

  policyTypes(): Record<string, number> {
    return POLICY_COUNTS;
  }

  policy(type: string, k: number, org: string): Record<string, unknown> {
    const id = `00p${hexId(17, this.o.fleet.seed, 'policy', type, k)}`;
    return {
      type,
      id,
      status: k === 2 ? 'INACTIVE' : 'ACTIVE',
      name: k === 0 ? 'Default Policy' : `${type.toLowerCase().replace(/_/g, ' ')} ${k}`,
      description: k === 0 ? 'The default policy applies in all situations if no other policy applies.' : null,
      priority: k + 1,
      system: k === 0,
      conditions: null,
      created: new Date(this.o.createdAtMs - 700 * DAY_MS).toISOString(),
      lastUpdated: new Date(this.o.createdAtMs - 70 * DAY_MS).toISOString(),
      _links: { self: { href: `${org}/api/v1/policies/${id}` }, rules: { href: `${org}/api/v1/policies/${id}/rules` } },
    };
  }

  deviceAssurances(): Array<Record<string, unknown>> {
    return [
      { id: 'dae1sandboxMACOS0h7', name: 'macOS baseline', platform: 'MACOS', osVersion: { minimum: '14.0.0' }, diskEncryptionType: { include: ['ALL_INTERNAL_VOLUMES'] }, screenLockType: { include: ['PASSCODE', 'BIOMETRIC'] }, secureHardwarePresent: true },
      { id: 'dae2sandboxIOS00h7', name: 'iOS baseline', platform: 'IOS', osVersion: { minimum: '17.0.0' }, jailbreak: false, screenLockType: { include: ['PASSCODE', 'BIOMETRIC'] } },
    ];
  }

  logPublishedMs(k: number): number {
    return this.o.createdAtMs - (this.o.logEvents - k) * 60_000;
  }

  logEvent(k: number): Record<string, unknown> {
    const j = k % this.o.users;
    const p = this.o.fleet.person(j);
    const eventType = LOG_TYPES[k % LOG_TYPES.length];
    const failed = eventType === 'user.account.lock';
    return {
      uuid: hexId(32, this.o.fleet.seed, 'log', k).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5'),
      published: new Date(this.logPublishedMs(k)).toISOString(),
      eventType,
      version: '0',
      displayMessage: eventType.replace(/\./g, ' '),
      severity: failed ? 'WARN' : 'INFO',
      client: { ipAddress: `198.51.100.${k % 250}`, userAgent: { rawUserAgent: 'Mozilla/5.0', os: 'Mac OS X', browser: 'SAFARI' } },
      actor: { id: this.userId(j), type: 'User', alternateId: p.email, displayName: p.name },
      outcome: { result: failed ? 'FAILURE' : 'SUCCESS', reason: failed ? 'LOCKED_OUT' : null },
      target: [{ id: this.userId(j), type: 'User', alternateId: p.email, displayName: p.name }],
      transaction: { type: 'WEB', id: hexId(20, 'tx', k), detail: {} },
    };
  }
}
