import type { IntegrationType } from '@trustsync/model';
import { compareVersions } from './os-version';
import type { DetectionSignal, PostureSignals } from './posture-signals';

/** Severities from least to most serious; unknown ones rank lowest. */
export const SEVERITY_ORDER = ['informational', 'low', 'medium', 'high', 'critical'] as const;

/** Rank of a severity in SEVERITY_ORDER (-1 when unknown). */
export function severityRank(severity: string | null | undefined): number {
  return SEVERITY_ORDER.indexOf((severity ?? '').toLowerCase() as (typeof SEVERITY_ORDER)[number]);
}

/** Which checks the compliance policy runs; every one can be switched off. */
export interface ComplianceRules {
  requireFileVault: boolean;
  requireSip: boolean;
  requireFirewall: boolean;
  requireGatekeeper: boolean;
  /** Minimum OS version by lower-cased OS name (`macos`, `windows`, `ios`); an OS not listed is not checked. */
  minimumOsVersions: Record<string, string>;
  /** An EDR sensor must report the device, when one of these vendors is configured. */
  requireEdrSensor: boolean;
  edrVendors: IntegrationType[];
  /** An open detection at or above this severity fails the device; null switches the check off. */
  blockingDetectionSeverity: string | null;
  /** Detection statuses that count as closed (vendors differ: closed, resolved, false_positive…). */
  closedDetectionStatuses: string[];
  /** When a posture check has no data from any vendor: pass it (false) or fail it (true). */
  unknownFails: boolean;
}

/** The defaults of the original design: every check on, macOS 14 minimum, CrowdStrike as the EDR. */
export const DEFAULT_COMPLIANCE_RULES: ComplianceRules = {
  requireFileVault: true,
  requireSip: true,
  requireFirewall: true,
  requireGatekeeper: true,
  minimumOsVersions: { macos: '14.0' },
  requireEdrSensor: true,
  edrVendors: ['crowdstrike'],
  blockingDetectionSeverity: 'high',
  closedDetectionStatuses: ['closed', 'resolved', 'false_positive', 'ignored', 'dismissed', 'true_positive_closed'],
  unknownFails: false,
};

/** Stable violation codes, pushed to vendors as the reasons. */
export const VIOLATIONS = {
  filevault: 'filevault_disabled',
  sip: 'sip_disabled',
  firewall: 'firewall_disabled',
  gatekeeper: 'gatekeeper_disabled',
  os: 'os_outdated',
  edr: 'edr_sensor_missing',
  detection: 'open_high_severity_detection',
  status: 'device_not_active',
} as const;

/** One check's outcome; `unknown` when no vendor reports the value. */
export interface CheckResult {
  check: keyof typeof VIOLATIONS;
  outcome: 'pass' | 'fail' | 'unknown';
}

/** The compliance verdict; `isCompliant` is null when no posture data exists at all (nothing to push). */
export interface ComplianceEvaluation {
  isCompliant: boolean | null;
  complianceScore: number | null;
  violations: string[];
  checks: CheckResult[];
}

function flag(value: boolean | null, required: boolean): CheckResult['outcome'] | null {
  if (!required) return null;
  if (value === null) return 'unknown';
  return value ? 'pass' : 'fail';
}

/** True for a detection that is still open under the rules. */
export function isOpenDetection(d: DetectionSignal, rules: Pick<ComplianceRules, 'closedDetectionStatuses'>): boolean {
  return !rules.closedDetectionStatuses.includes((d.status ?? '').toLowerCase());
}

function osCheck(s: PostureSignals, rules: ComplianceRules): CheckResult['outcome'] | null {
  const minimum = rules.minimumOsVersions[(s.osName ?? s.platform ?? '').toLowerCase()];
  if (!minimum) return null;
  if (!s.osVersion) return 'unknown';
  return compareVersions(s.osVersion, minimum) >= 0 ? 'pass' : 'fail';
}

function edrCheck(s: PostureSignals, rules: ComplianceRules): CheckResult['outcome'] | null {
  const edrs = rules.edrVendors.filter((v) => s.configuredVendors.includes(v));
  if (!rules.requireEdrSensor || edrs.length === 0) return null;
  return edrs.some((v) => s.reportedBy.includes(v)) ? 'pass' : 'fail';
}

function detectionCheck(s: PostureSignals, rules: ComplianceRules): CheckResult['outcome'] | null {
  if (rules.blockingDetectionSeverity === null) return null;
  const floor = severityRank(rules.blockingDetectionSeverity);
  return s.detections.some((d) => isOpenDetection(d, rules) && severityRank(d.severity) >= floor) ? 'fail' : 'pass';
}

/**
 * Runs the compliance policy over one device's correlated signals. The score is the share of
 * checks passed; a device no vendor reports any posture for stays unevaluated (null).
 */
export function evaluateCompliance(s: PostureSignals, rules: ComplianceRules = DEFAULT_COMPLIANCE_RULES): ComplianceEvaluation {
  const raw: Array<[CheckResult['check'], CheckResult['outcome'] | null]> = [
    ['filevault', flag(s.filevaultEnabled, rules.requireFileVault)],
    ['sip', flag(s.sipEnabled, rules.requireSip)],
    ['firewall', flag(s.firewallEnabled, rules.requireFirewall)],
    ['gatekeeper', flag(s.gatekeeperEnabled, rules.requireGatekeeper)],
    ['os', osCheck(s, rules)],
    ['edr', edrCheck(s, rules)],
    ['detection', detectionCheck(s, rules)],
    ['status', s.status === 'active' ? 'pass' : 'fail'],
  ];
  const checks: CheckResult[] = raw.filter((c): c is [CheckResult['check'], CheckResult['outcome']] => c[1] !== null).map(([check, outcome]) => ({ check, outcome }));
  const postureKnown = checks.some((c) => ['filevault', 'sip', 'firewall', 'gatekeeper'].includes(c.check) && c.outcome !== 'unknown');
  if (!postureKnown) return { isCompliant: null, complianceScore: null, violations: [], checks };
  const failed = checks.filter((c) => c.outcome === 'fail' || (c.outcome === 'unknown' && rules.unknownFails));
  const counted = checks.filter((c) => c.outcome !== 'unknown' || rules.unknownFails);
  return {
    isCompliant: failed.length === 0,
    complianceScore: Math.round((100 * (counted.length - failed.length)) / Math.max(1, counted.length)),
    violations: failed.map((c) => VIOLATIONS[c.check]),
    checks,
  };
}
