import type { DeviceRecord, DeviceStatus, PolicyRecord, UserRecord } from '@trustsync/model';

/** A Client Connector device from `getDevices`. */
export interface ZccDevice {
  udid: string;
  type: number;
  state?: number;
  user?: string | null;
  machineHostname?: string | null;
  detail?: string | null;
  osVersion?: string | null;
  agentVersion?: string | null;
  registrationState?: string | null;
  policyName?: string | null;
  last_seen_time?: string | null;
  registration_time?: string | null;
  manufacturer?: string | null;
}

/** The fields of `getDeviceDetails` TrustSync reads; the OTPs it carries are never kept. */
export interface ZccDeviceDetails {
  serialNumber?: string | null;
  deviceTrust?: number | null;
  ziaHealth?: string | null;
  zpaHealth?: string | null;
  external_model?: string | null;
}

/** A ZIA user from `/users`. */
export interface ZiaUser {
  id: number;
  name?: string | null;
  email?: string | null;
  groups?: Array<{ id: number; name?: string }>;
  department?: { id: number; name?: string } | null;
  deleted?: boolean;
  [field: string]: unknown;
}

/** A ZIA group or department. */
export interface ZiaNamedObject {
  id: number;
  name: string;
  comments?: string | null;
}

/** A ZIA URL filtering rule. */
export interface ZiaUrlFilteringRule {
  id: number;
  name: string;
  order?: number;
  state?: string;
  action?: string;
  description?: string | null;
  deviceTrustLevels?: string[];
}

/**
 * A ZIA cloud firewall filtering rule (`GET /firewallFilteringRules`). Field names as in the
 * vendor's Go SDK (`zia/services/firewallpolicies/filteringrules`); no recorded fixture exists.
 */
export interface ZiaFirewallFilteringRule {
  id: number;
  name: string;
  order?: number;
  rank?: number;
  state?: string;
  action?: string;
  description?: string | null;
  defaultRule?: boolean;
  predefined?: boolean;
  deviceTrustLevels?: string[];
}

/** A ZPA application segment. */
export interface ZpaApplicationSegment {
  id: string;
  name: string;
  description?: string | null;
  enabled?: boolean;
  domainNames?: string[];
}

/** A ZPA access policy rule; numbers arrive as strings. */
export interface ZpaAccessRule {
  id: string;
  name: string;
  description?: string | null;
  ruleOrder?: string | number;
  action?: string;
  disabled?: string | number | boolean;
}

const OS_BY_TYPE: Record<number, { platform: string; osName: string }> = {
  1: { platform: 'ios', osName: 'iOS' },
  2: { platform: 'android', osName: 'Android' },
  3: { platform: 'windows', osName: 'Windows' },
  4: { platform: 'macos', osName: 'macOS' },
  5: { platform: 'linux', osName: 'Linux' },
};

// Status comes from the registration text: the numeric `state` codes are only partly observed.
const STATUS_BY_REGISTRATION: Record<string, DeviceStatus> = {
  registered: 'active',
  quarantined: 'active',
  unregistered: 'retired',
  'remove pending': 'retired',
  removed: 'removed',
};

/** Epoch seconds as ZCC and ZPA send them (a string, empty when unset) to ISO-8601. */
export function epochSecondsToIso(value: string | number | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? new Date(n * 1000).toISOString() : null;
}

/** "Version 14.6.1 (Build 23G93) ;arm" → "14.6.1"; Windows strings keep their first segment. */
export function zccOsVersion(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const mac = /Version\s+([\d.]+)/.exec(raw);
  if (mac) return mac[1];
  const first = raw.split(';')[0].trim();
  return first || null;
}

function slug(text: string): string {
  return text.trim().toLowerCase().replace(/\s+/g, '_');
}

/** A Client Connector device (with its details, when fetched) as a DeviceRecord. */
export function mapZccDevice(d: ZccDevice, details: ZccDeviceDetails | null): DeviceRecord {
  const os = OS_BY_TYPE[d.type];
  const registration = (d.registrationState ?? '').trim();
  const tags = registration ? [`zcc_registration:${slug(registration)}`] : [];
  if (details?.ziaHealth) tags.push(`zia_health:${slug(details.ziaHealth)}`);
  if (details?.zpaHealth) tags.push(`zpa_health:${slug(details.zpaHealth)}`);
  if (typeof details?.deviceTrust === 'number') tags.push(`zcc_device_trust:${details.deviceTrust}`);
  return {
    externalId: d.udid,
    name: d.machineHostname ?? null,
    serialNumber: details?.serialNumber || null,
    hostname: d.machineHostname ?? null,
    platform: os?.platform ?? null,
    osName: os?.osName ?? null,
    osVersion: zccOsVersion(d.osVersion),
    model: details?.external_model || d.detail || null,
    primaryUserEmail: d.user || null,
    lastSeenAt: epochSecondsToIso(d.last_seen_time),
    enrolledAt: epochSecondsToIso(d.registration_time),
    managed: null,
    agentInstalled: registration ? registration.toLowerCase() !== 'removed' : null,
    status: STATUS_BY_REGISTRATION[registration.toLowerCase()] ?? 'active',
    policyRef: d.policyName ?? null,
    tags,
  };
}

/** A ZIA user as a UserRecord; deleted users stay listed, inactive. */
export function mapZiaUser(u: ZiaUser): UserRecord {
  return {
    externalId: String(u.id),
    email: u.email || null,
    name: u.name || null,
    department: u.department?.name ?? null,
    jobTitle: null,
    active: u.deleted !== true,
    source: null,
  };
}

/** A ZIA group or department: the scopes ZIA access rules target. */
export function mapZiaScope(kind: 'group' | 'department', o: ZiaNamedObject): PolicyRecord {
  return {
    externalId: `zia-${kind}:${o.id}`,
    name: o.name,
    policyType: `zia_${kind}`,
    description: o.comments ?? null,
    enabled: null,
    deviceCount: null,
  };
}

/** A ZIA URL filtering rule as a PolicyRecord. */
export function mapUrlFilteringRule(r: ZiaUrlFilteringRule): PolicyRecord {
  return {
    externalId: `zia-url-rule:${r.id}`,
    name: r.name,
    policyType: 'zia_url_filtering_rule',
    description: r.description ?? null,
    enabled: r.state ? r.state === 'ENABLED' : null,
    deviceCount: null,
  };
}

/** A ZIA firewall filtering rule as a PolicyRecord; without a description, its action and order stand in. */
export function mapFirewallFilteringRule(r: ZiaFirewallFilteringRule): PolicyRecord {
  return {
    externalId: `zia-firewall-rule:${r.id}`,
    name: r.name,
    policyType: 'zia_firewall_filtering_rule',
    description: r.description || (r.action ? `${r.action} (order ${r.order ?? 0})` : null),
    enabled: r.state ? r.state === 'ENABLED' : null,
    deviceCount: null,
  };
}

/** A ZPA application segment (the resource access rules point at) as a PolicyRecord. */
export function mapApplicationSegment(s: ZpaApplicationSegment): PolicyRecord {
  return {
    externalId: `zpa-segment:${s.id}`,
    name: s.name,
    policyType: 'zpa_application_segment',
    description: s.description || (s.domainNames?.length ? s.domainNames.join(', ') : null),
    enabled: typeof s.enabled === 'boolean' ? s.enabled : null,
    deviceCount: null,
  };
}

/** A ZPA access policy rule as a PolicyRecord; `disabled` is "0" or "1". */
export function mapAccessRule(r: ZpaAccessRule): PolicyRecord {
  const disabled = r.disabled === true || String(r.disabled ?? '0') === '1';
  return {
    externalId: `zpa-access-rule:${r.id}`,
    name: r.name,
    policyType: 'zpa_access_rule',
    description: r.description || (r.action ? `${r.action} (order ${Number(r.ruleOrder ?? 0)})` : null),
    enabled: !disabled,
    deviceCount: null,
  };
}
