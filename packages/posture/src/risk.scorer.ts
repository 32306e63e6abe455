import { isOpenDetection, severityRank, type ComplianceEvaluation, type ComplianceRules } from './compliance.evaluator';
import type { PostureSignals } from './posture-signals';

/** Risk levels of the original design, lowest first. */
export type RiskLevel = 'low' | 'medium' | 'high' | 'critical';

/** Points each signal adds to the risk score (capped at 100) and where the levels start. */
export interface RiskWeights {
  /** Per open detection, by severity rank (informational … critical). */
  detectionPoints: [number, number, number, number, number];
  perViolation: number;
  maxViolationPoints: number;
  /** The device has not checked in with any vendor for this long. */
  staleAfterDays: number;
  stalePoints: number;
  /** Lowest score of medium, high, critical. */
  levelFloors: { medium: number; high: number; critical: number };
}

/** Default weights: one open critical detection alone makes a device high risk. */
export const DEFAULT_RISK_WEIGHTS: RiskWeights = {
  detectionPoints: [0, 3, 10, 25, 50],
  perViolation: 10,
  maxViolationPoints: 40,
  staleAfterDays: 14,
  stalePoints: 10,
  levelFloors: { medium: 25, high: 50, critical: 80 },
};

/** A device's risk in the original design's shape. */
export interface RiskAssessment {
  totalRiskScore: number;
  riskLevel: RiskLevel;
  riskFactors: string[];
}

/** The level a score falls in. */
export function riskLevelOf(score: number, floors: RiskWeights['levelFloors'] = DEFAULT_RISK_WEIGHTS.levelFloors): RiskLevel {
  if (score >= floors.critical) return 'critical';
  if (score >= floors.high) return 'high';
  if (score >= floors.medium) return 'medium';
  return 'low';
}

/**
 * Scores one device from the signals of every vendor: open detections by severity, compliance
 * violations, and silence. Factors are sorted so the same signals always give the same state.
 */
export function scoreRisk(
  s: PostureSignals,
  compliance: ComplianceEvaluation,
  rules: Pick<ComplianceRules, 'closedDetectionStatuses'>,
  nowMs: number,
  w: RiskWeights = DEFAULT_RISK_WEIGHTS,
): RiskAssessment {
  let score = 0;
  const factors: string[] = [];
  const open = s.detections.filter((d) => isOpenDetection(d, rules));
  const bySeverity = new Map<string, number>();
  for (const d of open) {
    const rank = severityRank(d.severity);
    score += rank >= 0 ? w.detectionPoints[rank] : 0;
    const name = rank >= 0 ? String(d.severity).toLowerCase() : 'unknown';
    bySeverity.set(name, (bySeverity.get(name) ?? 0) + 1);
  }
  for (const [severity, n] of bySeverity) factors.push(`open_${severity}_detections:${n}`);
  score += Math.min(w.maxViolationPoints, compliance.violations.length * w.perViolation);
  factors.push(...compliance.violations);
  const seenMs = s.lastSeenAt ? Date.parse(s.lastSeenAt) : Number.NaN;
  if (Number.isFinite(seenMs) && nowMs - seenMs > w.staleAfterDays * 86_400_000) {
    score += w.stalePoints;
    factors.push(`not_seen_for_${w.staleAfterDays}_days`);
  }
  const total = Math.min(100, score);
  return { totalRiskScore: total, riskLevel: riskLevelOf(total, w.levelFloors), riskFactors: factors.sort() };
}
