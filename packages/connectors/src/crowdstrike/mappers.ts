import type { DetectionRecord, DeviceRecord, PolicyRecord, Severity } from '@trustsync/model';
import type { FalconAlert, FalconHost, FalconPreventionPolicy } from './falcon-types';

const PLATFORM: Record<string, string> = { Windows: 'windows', Mac: 'macos', Linux: 'linux', iOS: 'ios', Android: 'android' };

/** Falcon host → platform device; a hidden host is reported as removed (tagged), never silently dropped. */
export function mapFalconHost(h: FalconHost, opts: { hidden?: boolean } = {}): DeviceRecord {
  const hidden = opts.hidden === true || h.host_hidden_status === 'hidden';
  const tags = [...(h.tags ?? [])];
  if (h.status) tags.push(`crowdstrike:containment:${h.status}`);
  if (hidden) tags.push('crowdstrike:hidden');
  if (h.reduced_functionality_mode === 'yes') tags.push('crowdstrike:reduced-functionality');
  return {
    externalId: h.device_id,
    name: h.hostname ?? null,
    serialNumber: h.serial_number ?? null,
    hostname: h.hostname ?? null,
    platform: h.platform_name ? (PLATFORM[h.platform_name] ?? h.platform_name.toLowerCase()) : null,
    osName: h.os_product_name ?? h.os_version ?? null,
    osVersion: h.os_version ?? null,
    model: h.system_product_name ?? null,
    // Falcon has no owner field: `email` when present, else nothing (last_login_user is an account name).
    primaryUserEmail: h.email ?? null,
    lastSeenAt: h.last_seen ?? null,
    enrolledAt: h.first_seen ?? null,
    managed: null,
    agentInstalled: true,
    status: hidden ? 'removed' : 'active',
    policyRef: h.device_policies?.prevention?.policy_id ?? null,
    tags,
  };
}

/** Falcon prevention policy → platform policy `crowdstrike:prevention:<platform>`. */
export function mapFalconPolicy(p: FalconPreventionPolicy): PolicyRecord {
  return {
    externalId: p.id,
    name: p.name,
    policyType: `crowdstrike:prevention${p.platform_name ? `:${p.platform_name.toLowerCase()}` : ''}`,
    description: p.description || null,
    enabled: p.enabled ?? null,
    deviceCount: null,
  };
}

const SEVERITY_NAMES: Record<string, Severity> = { informational: 'informational', low: 'low', medium: 'medium', high: 'high', critical: 'critical' };

/** Falcon severity: the name when given, else the 1–100 score in Falcon's bands. */
export function falconSeverity(name: string | undefined, score: number | undefined): Severity {
  const byName = name ? SEVERITY_NAMES[name.toLowerCase()] : undefined;
  if (byName) return byName;
  if (score === undefined) return 'medium';
  if (score >= 90) return 'critical';
  if (score >= 70) return 'high';
  if (score >= 40) return 'medium';
  if (score >= 20) return 'low';
  return 'informational';
}

/** Falcon alert → platform detection, keyed by its composite id; unknown statuses are kept as they are. */
export function mapFalconAlert(a: FalconAlert): DetectionRecord {
  const classification = [a.tactic, a.technique].filter(Boolean).join(' / ');
  return {
    externalId: a.composite_id,
    title: a.display_name ?? a.name ?? 'Falcon alert',
    severity: falconSeverity(a.severity_name, a.severity),
    status: a.status ?? 'unknown',
    classification: classification || null,
    deviceExternalId: a.agent_id ?? a.device?.device_id ?? null,
    detectedAt: a.timestamp ?? a.created_timestamp ?? null,
    description: a.description ?? null,
  };
}
