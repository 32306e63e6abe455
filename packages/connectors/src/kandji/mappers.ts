import { createHash } from 'node:crypto';
import type { DetectionRecord, DevicePostureRecord, DeviceRecord, DeviceStatus, PolicyRecord, Severity, UserRecord } from '@trustsync/model';
import type { CommandResult } from '../core';
import type {
  KandjiBehavioralDetection,
  KandjiBlueprint,
  KandjiCommand,
  KandjiDevice,
  KandjiFlag,
  KandjiThreatDetail,
  KandjiUser,
  PrismPostureRow,
} from './api-types';

const TRUE_TEXT = new Set(['true', 'yes', 'on', '1', 'enabled']);
const FALSE_TEXT = new Set(['false', 'no', 'off', '0', 'disabled']);

/** A Kandji flag as a boolean: real booleans, "True"/"False", "Yes"/"No", 0/1; null when it says nothing. */
export function toFlag(value: KandjiFlag): boolean | null {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value !== 'string') return null;
  const text = value.trim().toLowerCase();
  if (TRUE_TEXT.has(text)) return true;
  if (FALSE_TEXT.has(text)) return false;
  return null;
}

/**
 * A Kandji timestamp as ISO 8601 UTC. Kandji mixes `2025-05-20T09:41:07Z`,
 * `2024-02-12 15:03:44.120331+00:00` and zone-less values (threat details), which are UTC.
 */
export function toIsoUtc(value: string | null | undefined): string | null {
  if (!value || !value.trim()) return null;
  let text = value.trim().replace(' ', 'T');
  if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(text)) text += 'Z';
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

const OS_BY_PLATFORM: Record<string, string> = { Mac: 'macOS', iPad: 'iPadOS', iPhone: 'iOS', AppleTV: 'tvOS' };

function emptyToNull(value: string | null | undefined): string | null {
  return value && value.trim() ? value : null;
}

function deviceStatus(d: KandjiDevice): DeviceStatus {
  if (toFlag(d.is_removed)) return 'retired';
  if (toFlag(d.is_missing)) return 'stale';
  return 'active';
}

/** A `GET /api/v1/devices` item as a DeviceRecord; posture comes from the Prism stream, not from here. */
export function mapDevice(d: KandjiDevice): DeviceRecord {
  const user = d.user && typeof d.user === 'object' ? d.user : null;
  const extra = emptyToNull(d.supplemental_os_version_extra);
  const record: DeviceRecord = {
    externalId: d.device_id,
    name: emptyToNull(d.device_name),
    serialNumber: emptyToNull(d.serial_number),
    // device_name is a display name ("Ava’s MacBook Pro"); the list carries no hostname.
    hostname: null,
    platform: emptyToNull(d.platform),
    osName: (d.platform && OS_BY_PLATFORM[d.platform]) ?? null,
    osVersion: d.os_version ? (extra ? `${d.os_version} ${extra}` : d.os_version) : null,
    model: emptyToNull(d.model),
    primaryUserEmail: emptyToNull(user?.email),
    lastSeenAt: toIsoUtc(d.last_check_in),
    enrolledAt: toIsoUtc(d.first_enrollment),
    managed: toFlag(d.mdm_enabled),
    agentInstalled: toFlag(d.agent_installed),
    status: deviceStatus(d),
    policyRef: emptyToNull(d.blueprint_id),
    tags: Array.isArray(d.tags) ? d.tags : [],
  };
  if (d.filevault_enabled !== undefined) record.filevaultEnabled = toFlag(d.filevault_enabled);
  return record;
}

/** A blueprint as a PolicyRecord. */
export function mapBlueprint(b: KandjiBlueprint): PolicyRecord {
  return {
    externalId: b.id,
    name: b.name,
    policyType: 'kandji_blueprint',
    description: emptyToNull(b.description),
    enabled: true,
    deviceCount: typeof b.computers_count === 'number' ? b.computers_count : null,
  };
}

/** A directory user as a UserRecord; an archived user is never active. */
export function mapUser(u: KandjiUser): UserRecord {
  return {
    externalId: u.id,
    email: emptyToNull(u.email),
    name: emptyToNull(u.name),
    department: emptyToNull(u.department),
    jobTitle: emptyToNull(u.job_title),
    active: toFlag(u.active) === true && toFlag(u.archived) !== true,
    source: u.integration?.type ?? null,
  };
}

/** The Prism categories the posture stream reads, and which row field feeds which posture field. */
export const PRISM_POSTURE_CATEGORIES = [
  { category: 'filevault', field: 'status', target: 'filevaultEnabled' },
  { category: 'startup_settings', field: 'sip', target: 'sipEnabled' },
  { category: 'application_firewall', field: 'status', target: 'firewallEnabled' },
  { category: 'gatekeeper_and_xprotect', field: 'gatekeeper_status', target: 'gatekeeperEnabled' },
] as const satisfies ReadonlyArray<{ category: string; field: keyof PrismPostureRow; target: keyof DevicePostureRecord }>;

/** A Prism category name the posture stream reads. */
export type PrismPostureCategory = (typeof PRISM_POSTURE_CATEGORIES)[number]['category'];

/**
 * Merges one offset of every posture category into one record per device. A device missing from
 * a category's page keeps that field undefined, so the patch leaves what is stored alone.
 */
export function mergePosture(pages: Record<PrismPostureCategory, PrismPostureRow[]>): DevicePostureRecord[] {
  const byDevice = new Map<string, DevicePostureRecord>();
  for (const { category, field, target } of PRISM_POSTURE_CATEGORIES) {
    for (const row of pages[category]) {
      const record = byDevice.get(row.device_id) ?? { externalId: row.device_id };
      if (row[field] !== undefined) record[target] = toFlag(row[field]);
      byDevice.set(row.device_id, record);
    }
  }
  return [...byDevice.values()];
}

function threatSeverity(classification: string, quarantined: boolean): Severity {
  if (classification === 'malware') return quarantined ? 'high' : 'critical';
  if (classification === 'pup') return quarantined ? 'low' : 'medium';
  return 'medium';
}

/** The stable id of a threat detail, which has none of its own: `td:` + sha256(device, file hash, date). */
export function threatDetailId(t: Pick<KandjiThreatDetail, 'device_id' | 'file_hash' | 'detection_date'>): string {
  return `td:${createHash('sha256').update(`${t.device_id}${t.file_hash}${t.detection_date}`).digest('hex')}`;
}

/** A threat-details item as a DetectionRecord; malware left on the disk is critical. */
export function mapThreatDetail(t: KandjiThreatDetail): DetectionRecord {
  const classification = t.classification.toLowerCase();
  const status = t.status.toLowerCase();
  return {
    externalId: threatDetailId(t),
    title: t.threat_name || `Kandji ${classification} detection`,
    severity: threatSeverity(classification, status === 'quarantined'),
    status,
    classification,
    deviceExternalId: t.device_id || null,
    detectedAt: toIsoUtc(t.detection_date),
    description: emptyToNull(t.file_path),
  };
}

const BEHAVIORAL_SEVERITY: Record<string, Severity> = { malicious: 'high', suspicious: 'medium', informational: 'informational' };

/** A behavioural detection as a DetectionRecord. */
export function mapBehavioralDetection(b: KandjiBehavioralDetection): DetectionRecord {
  const classification = b.classification.toLowerCase();
  return {
    externalId: b.id,
    title: b.threat_id || 'Kandji behavioral detection',
    severity: BEHAVIORAL_SEVERITY[classification] ?? 'low',
    status: (b.threat_status ?? 'detected').toLowerCase(),
    classification,
    deviceExternalId: b.device_info?.id ?? null,
    detectedAt: toIsoUtc(b.detection_date),
    description: emptyToNull(b.description),
  };
}

// Undocumented integers: 3 is what completed commands show; 0/1 are read as queued or sent.
const COMPLETED_STATUS = 3;
const PENDING_STATUSES = new Set([0, 1]);

/** A command from the device's command list as a CommandResult. */
export function mapCommandStatus(c: KandjiCommand): CommandResult {
  const detail = { request_type: c.request_type ?? c.command_type ?? null, kandji_status: c.status, completed_at: toIsoUtc(c.date_completed) };
  if (c.status === COMPLETED_STATUS) return { status: 'completed', vendorReference: c.uuid, detail };
  if (PENDING_STATUSES.has(c.status)) return { status: 'pending', vendorReference: c.uuid, detail };
  const errors = (c.error_chain ?? []).map((e) => (typeof e === 'string' ? e : JSON.stringify(e)));
  return { status: 'failed', vendorReference: c.uuid, detail, message: errors.join('; ') || `Kandji reported command status ${c.status}` };
}
