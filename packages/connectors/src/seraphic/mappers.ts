import { createHash } from 'node:crypto';
import type { DetectionRecord, DeviceRecord, DeviceStatus, PolicyRecord, Severity, UserRecord } from '@trustsync/model';

// Every shape below is the proposed contract (no public source): confirm with Seraphic before GA.

/** A Seraphic endpoint (a machine with the browser agent). */
export interface SeraphicEndpoint {
  endpointId: string;
  hostname?: string | null;
  serialNumber?: string | null;
  platform?: string | null;
  osVersion?: string | null;
  userEmail?: string | null;
  agent?: { installed?: boolean | null; version?: string | null; status?: string | null; lastSeen?: string | null } | null;
  browsers?: Array<{ name: string; version?: string | null; protected?: boolean }>;
  policyId?: string | null;
  protection?: Record<string, boolean | undefined> | null;
  riskScore?: number | null;
  tags?: string[];
}

/** A Seraphic user. */
export interface SeraphicUser {
  userId: string;
  email?: string | null;
  name?: string | null;
  department?: string | null;
}

/** A Seraphic browser policy. */
export interface SeraphicPolicy {
  policyId: string;
  name: string;
  description?: string | null;
  enabled?: boolean | null;
  endpointCount?: number | null;
}

/** A threat detection. */
export interface SeraphicDetection {
  detectionId: string;
  type?: string | null;
  severity?: string | null;
  endpointId?: string | null;
  browser?: string | null;
  url?: string | null;
  actionTaken?: string | null;
  detectedAt?: string | null;
}

/** A DLP violation. */
export interface SeraphicDlpViolation {
  violationId: string;
  endpointId?: string | null;
  ruleName?: string | null;
  channel?: string | null;
  destination?: string | null;
  action?: string | null;
  occurredAt?: string | null;
}

/** A record of the Sentinel events feed; only `bd_type` has a public source. */
export interface SentinelRecord {
  bd_type: string;
  bd_id?: string;
  bd_time?: string;
  bd_category?: string;
  bd_action?: string;
  bd_severity?: string;
  bd_url?: string;
  bd_device?: string;
  [field: string]: unknown;
}

const OS_NAMES: Record<string, string> = { macos: 'macOS', windows: 'Windows', linux: 'Linux', chromeos: 'ChromeOS', ios: 'iOS', ipados: 'iPadOS', android: 'Android' };
const GONE = new Set(['uninstalled', 'removed', 'deleted']);
const STALE = new Set(['offline', 'stale', 'inactive']);
const SEVERITIES: Record<string, Severity> = { info: 'informational', informational: 'informational', low: 'low', medium: 'medium', high: 'high', critical: 'critical' };

/** A vendor severity word as a platform severity; unknown words count as medium. */
export function seraphicSeverity(value: string | null | undefined): Severity {
  return SEVERITIES[(value ?? '').toLowerCase()] ?? 'medium';
}

function words(text: string): string {
  const t = text.replace(/[_-]+/g, ' ').trim();
  return t.charAt(0).toUpperCase() + t.slice(1);
}

function agentStatus(status: string | null | undefined): DeviceStatus {
  const s = (status ?? '').toLowerCase();
  if (GONE.has(s)) return 'removed';
  if (STALE.has(s)) return 'stale';
  return 'active';
}

/** An endpoint as a DeviceRecord; protected browsers and the agent state become tags. */
export function mapEndpoint(e: SeraphicEndpoint): DeviceRecord {
  const platform = e.platform ? e.platform.toLowerCase() : null;
  const tags = [...(e.tags ?? [])];
  if (e.agent?.status) tags.push(`seraphic_agent:${e.agent.status}`);
  for (const b of e.browsers ?? []) if (b.protected) tags.push(`protected_browser:${b.name}`);
  return {
    externalId: e.endpointId,
    name: e.hostname ?? null,
    serialNumber: e.serialNumber || null,
    hostname: e.hostname ?? null,
    platform,
    osName: platform ? (OS_NAMES[platform] ?? e.platform!) : null,
    osVersion: e.osVersion ?? null,
    model: null,
    primaryUserEmail: e.userEmail || null,
    lastSeenAt: e.agent?.lastSeen ?? null,
    enrolledAt: null,
    managed: null,
    agentInstalled: typeof e.agent?.installed === 'boolean' ? e.agent.installed : null,
    status: agentStatus(e.agent?.status),
    policyRef: e.policyId ?? null,
    tags,
  };
}

/** A Seraphic user as a UserRecord (the proposed shape has no active flag: listed means active). */
export function mapSeraphicUser(u: SeraphicUser): UserRecord {
  return { externalId: u.userId, email: u.email || null, name: u.name || null, department: u.department || null, jobTitle: null, active: true, source: null };
}

/** A browser policy as a PolicyRecord. */
export function mapSeraphicPolicy(p: SeraphicPolicy): PolicyRecord {
  return { externalId: p.policyId, name: p.name, policyType: 'seraphic_browser_policy', description: p.description ?? null, enabled: p.enabled ?? null, deviceCount: p.endpointCount ?? null };
}

/** A threat detection as a DetectionRecord. */
export function mapSeraphicDetection(d: SeraphicDetection): DetectionRecord {
  const kind = d.type ? words(d.type) : 'Browser threat';
  return {
    externalId: d.detectionId,
    title: d.actionTaken ? `${kind} ${d.actionTaken}` : kind,
    severity: seraphicSeverity(d.severity),
    status: d.actionTaken ?? 'detected',
    classification: d.type ?? null,
    deviceExternalId: d.endpointId ?? null,
    detectedAt: d.detectedAt ?? null,
    description: d.url ?? null,
  };
}

/** The external id of a DLP violation; prefixed so it can never meet a detection id. */
export function dlpExternalId(violationId: string): string {
  return `dlp:${violationId}`;
}

/** A DLP violation as a DetectionRecord of classification `dlp` (the proposed shape has no severity). */
export function mapDlpViolation(v: SeraphicDlpViolation): DetectionRecord {
  return {
    externalId: dlpExternalId(v.violationId),
    title: v.ruleName ?? 'DLP violation',
    severity: 'medium',
    status: v.action ?? 'detected',
    classification: 'dlp',
    deviceExternalId: v.endpointId ?? null,
    detectedAt: v.occurredAt ?? null,
    description: [v.channel, v.destination].filter(Boolean).join(' to ') || null,
  };
}

/** A feed Alert as a DetectionRecord; without a record id the content hash keeps it unique. */
export function mapSentinelAlert(r: SentinelRecord): DetectionRecord {
  const id = r.bd_id ?? createHash('sha1').update(JSON.stringify(r)).digest('hex');
  const category = r.bd_category ?? 'alert';
  return {
    externalId: `feed:${id}`,
    title: r.bd_action ? `${words(category)} ${r.bd_action}` : words(category),
    severity: seraphicSeverity(r.bd_severity),
    status: r.bd_action ?? 'detected',
    classification: category,
    // The feed names the device by hostname only, which is not an endpoint id.
    deviceExternalId: null,
    detectedAt: r.bd_time ?? null,
    description: r.bd_url ?? null,
  };
}
