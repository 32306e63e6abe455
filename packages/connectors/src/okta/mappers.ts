import type { DetectionRecord, DeviceRecord, DeviceStatus, PolicyRecord, Severity, UserRecord } from '@trustsync/model';
import type { OktaDevice, OktaDeviceAssurance, OktaLogEvent, OktaPolicy, OktaUser } from './okta-types';

/** An Okta user with what the platform model has no field for yet: Okta status and group names. */
export interface OktaUserRecord extends UserRecord {
  vendorStatus: string;
  groups: string[];
}

// LOCKED_OUT, PASSWORD_EXPIRED and RECOVERY are still active accounts, only flagged.
const ACTIVE_USER_STATUSES = new Set(['ACTIVE', 'LOCKED_OUT', 'PASSWORD_EXPIRED', 'RECOVERY']);
const ENCRYPTED = new Set(['FULL', 'USER', 'ALL_INTERNAL_VOLUMES']);
const PLATFORM: Record<string, string> = { WINDOWS: 'windows', MACOS: 'macos', IOS: 'ios', ANDROID: 'android', CHROMEOS: 'chromeos' };
const OS_NAME: Record<string, string> = { WINDOWS: 'Windows', MACOS: 'macOS', IOS: 'iOS', ANDROID: 'Android', CHROMEOS: 'ChromeOS' };

function fullName(first: string | null | undefined, last: string | null | undefined): string | null {
  const name = [first, last].filter(Boolean).join(' ').trim();
  return name || null;
}

/** Okta user → platform user; DEPROVISIONED, SUSPENDED, STAGED and PROVISIONED users are not active. */
export function mapOktaUser(u: OktaUser, groups: string[] = []): OktaUserRecord {
  const p = u.profile ?? {};
  return {
    externalId: u.id,
    email: p.email ?? p.login ?? null,
    name: fullName(p.firstName, p.lastName),
    department: p.department ?? null,
    jobTitle: p.title ?? null,
    active: ACTIVE_USER_STATUSES.has(u.status),
    source: u.credentials?.provider?.type?.toLowerCase() ?? null,
    vendorStatus: u.status,
    groups,
  };
}

function deviceStatus(status: string): DeviceStatus {
  // A deactivated device has lost every user link and waits for deletion; unknown statuses (CREATED) stay active.
  return status === 'DEACTIVATED' ? 'retired' : 'active';
}

/** Okta Verify device → platform device; the serial number is what joins it to other vendors. */
export function mapOktaDevice(d: OktaDevice): DeviceRecord {
  const p = d.profile ?? {};
  const platform = p.platform ?? '';
  const users = d._embedded?.users ?? [];
  const encrypted = p.diskEncryptionType ? ENCRYPTED.has(p.diskEncryptionType) : null;
  const managed = users.length ? users.some((u) => u.managementStatus === 'MANAGED') : (p.managed ?? null);
  return {
    externalId: d.id,
    name: p.displayName ?? null,
    serialNumber: p.serialNumber ?? null,
    hostname: p.displayName ?? null,
    platform: PLATFORM[platform] ?? (platform.toLowerCase() || null),
    osName: OS_NAME[platform] ?? null,
    osVersion: p.osVersion ?? null,
    model: p.model ?? null,
    primaryUserEmail: users[0]?.user?.profile?.email ?? users[0]?.user?.profile?.login ?? null,
    lastSeenAt: d.lastUpdated ?? null,
    enrolledAt: d.created ?? null,
    managed,
    agentInstalled: p.registered ?? null,
    status: deviceStatus(d.status),
    policyRef: null,
    tags: [`okta:status:${d.status.toLowerCase()}`],
    // Okta reports disk encryption for every platform; the platform field for it is FileVault's.
    filevaultEnabled: platform === 'MACOS' ? encrypted : null,
  };
}

/** Okta policy → platform policy, typed `okta:<TYPE>`. */
export function mapOktaPolicy(p: OktaPolicy): PolicyRecord {
  return {
    externalId: p.id,
    name: p.name,
    policyType: `okta:${p.type}`,
    description: p.description ?? (p.system ? 'Okta built-in default policy' : null),
    enabled: p.status ? p.status === 'ACTIVE' : null,
    deviceCount: null,
  };
}

/** Device assurance baseline → platform policy `okta:DEVICE_ASSURANCE`. */
export function mapOktaDeviceAssurance(a: OktaDeviceAssurance): PolicyRecord {
  const min = a.osVersion?.minimum;
  return {
    externalId: a.id,
    name: a.name,
    policyType: 'okta:DEVICE_ASSURANCE',
    description: [a.platform, min ? `minimum OS ${min}` : null].filter(Boolean).join(', ') || null,
    enabled: true,
    deviceCount: null,
  };
}

/** Okta log severity → platform severity; a failed outcome raises INFO to low. */
export function oktaSeverity(severity: string | undefined, outcome?: string): Severity {
  if (severity === 'ERROR') return 'high';
  if (severity === 'WARN') return 'medium';
  return outcome === 'FAILURE' || outcome === 'DENY' ? 'low' : 'informational';
}

/** System Log event → platform detection (Okta has no detection objects: its events are the signals). */
export function mapOktaLogEvent(e: OktaLogEvent): DetectionRecord {
  const device = e.target?.find((t) => t.type === 'Device');
  const who = e.actor?.alternateId ?? e.actor?.displayName;
  return {
    externalId: e.uuid,
    title: e.displayMessage ?? e.eventType,
    severity: oktaSeverity(e.severity, e.outcome?.result),
    status: (e.outcome?.result ?? 'UNKNOWN').toLowerCase(),
    classification: e.eventType,
    deviceExternalId: device?.id ?? null,
    detectedAt: e.published,
    description: [who ? `actor ${who}` : null, e.outcome?.reason ? `reason: ${e.outcome.reason}` : null].filter(Boolean).join('; ') || null,
  };
}
