import type { Logger } from '@trustsync/core';
import { VENDORS } from '@trustsync/connectors';
import {
  attachActionCommand, createCommand, createPush, devicesOfDetections, enabledResponseRules, loadPostureInputs, planPushes, pushTargetsOf,
  recordAutomaticAction, recordDeviceState, updateDeviceVerdict, type PostureInputs, type RecordedState,
} from '@trustsync/db';
import type { IntegrationType } from '@trustsync/model';
import {
  evaluateCompliance, routeFor, scoreRisk, severityRank, VIOLATIONS,
  type PostureChange, type PostureSignals, type PushKind,
} from '@trustsync/posture';
import { enqueueCommand, enqueuePush, type PostureEvaluationJobData } from '@trustsync/queue';
import type { PushWorkerDeps } from './push-worker.deps';

/** What one evaluation job did, kept on the completed job. */
export interface EvaluationResult {
  evaluated: number;
  changed: number;
  pushesQueued: number;
  automaticActions: number;
}

/** True when the vendor's connector implements the push of this kind. */
export function vendorCanReceive(integrationType: string, kind: PushKind): boolean {
  const caps = VENDORS[integrationType as IntegrationType]?.manifest.capabilities ?? [];
  return caps.includes(kind === 'compliance' ? 'pushCompliance' : 'pushRiskScore');
}

function toSignals(i: PostureInputs, configuredTypes: string[]): PostureSignals {
  const d = i.device;
  return {
    deviceId: d.id,
    status: d.status,
    platform: d.platform,
    osName: d.osName,
    osVersion: d.osVersion,
    filevaultEnabled: d.filevaultEnabled,
    sipEnabled: d.sipEnabled,
    firewallEnabled: d.firewallEnabled,
    gatekeeperEnabled: d.gatekeeperEnabled,
    lastSeenAt: d.lastSeenAt?.toISOString() ?? null,
    reportedBy: i.reportedBy as IntegrationType[],
    configuredVendors: configuredTypes as IntegrationType[],
    detections: i.detections,
  };
}

// A first evaluation that finds the vendors' default (compliant, low risk) is not news to them.
function worthPushing(rec: RecordedState, isDefault: boolean, pushBaseline: boolean): boolean {
  return rec.changed && (!rec.initial || pushBaseline || !isDefault);
}

/**
 * Evaluates devices whose signals changed: compliance and risk from every vendor's data, a new
 * state version when either changed, the verdict on the device row, and one push per routed,
 * willing, mapped integration. New detections widen the routing and may fire response rules.
 */
export async function evaluatePosture(deps: PushWorkerDeps, data: PostureEvaluationJobData, log: Logger): Promise<EvaluationResult> {
  const ds = deps.dataSource;
  const now = deps.now?.() ?? new Date();
  const threats = await devicesOfDetections(ds, data.detectionIds);
  const threatened = new Set(threats.map((t) => t.deviceId));
  const ids = [...new Set([...data.deviceIds, ...threatened])];
  const { devices, configuredTypes } = await loadPostureInputs(ds, ids);
  const result: EvaluationResult = { evaluated: devices.size, changed: 0, pushesQueued: 0, automaticActions: 0 };

  for (const [deviceId, inputs] of devices) {
    const signals = toSignals(inputs, configuredTypes);
    const compliance = evaluateCompliance(signals, deps.rules);
    const risk = scoreRisk(signals, compliance, deps.rules, now.getTime(), deps.riskWeights);
    const changes: PostureChange[] = [];
    const states: Partial<Record<PushKind, { version: number; state: Record<string, unknown> }>> = {};

    if (compliance.isCompliant !== null) {
      const state = { isCompliant: compliance.isCompliant, complianceScore: compliance.complianceScore, violations: compliance.violations };
      const rec = await recordDeviceState(ds, deviceId, 'compliance', state);
      if (worthPushing(rec, compliance.isCompliant, deps.pushBaseline)) {
        changes.push('compliance');
        if (compliance.violations.includes(VIOLATIONS.status)) changes.push('status');
        states.compliance = { version: rec.version, state };
      }
    }
    const riskState = { totalRiskScore: risk.totalRiskScore, riskLevel: risk.riskLevel, riskFactors: risk.riskFactors };
    const riskRec = await recordDeviceState(ds, deviceId, 'risk', riskState);
    if (worthPushing(riskRec, risk.riskLevel === 'low', deps.pushBaseline)) {
      changes.push('risk');
      states.risk = { version: riskRec.version, state: riskState };
    }
    if (changes.length === 0) continue;
    if (threatened.has(deviceId)) changes.push('threat');
    result.changed++;
    await updateDeviceVerdict(ds, deviceId, {
      ...(compliance.isCompliant === null ? {} : { isCompliant: compliance.isCompliant, complianceScore: compliance.complianceScore }),
      riskScore: risk.totalRiskScore,
      riskLevel: risk.riskLevel,
    });

    const targets = await pushTargetsOf(ds, deviceId);
    for (const kind of ['compliance', 'risk'] as const) {
      const s = states[kind];
      if (!s) continue;
      for (const decision of planPushes(kind, targets, vendorCanReceive, routeFor(kind, changes))) {
        if (!decision.send) continue;
        const { push, created } = await createPush(ds, { integrationId: decision.target.integrationId, deviceId, externalId: decision.externalId, kind, stateVersion: s.version, payload: s.state, trigger: data.reason });
        if (created) {
          await enqueuePush(deps.pushQueue, push.id);
          result.pushesQueued++;
        }
      }
    }
  }
  result.automaticActions = await applyResponseRules(deps, threats, log);
  log.info('posture evaluated', { ...result, reason: data.reason });
  return result;
}

/** Fires enabled detection rules once per (rule, device, detection), auditing each action. */
async function applyResponseRules(deps: PushWorkerDeps, threats: Awaited<ReturnType<typeof devicesOfDetections>>, log: Logger): Promise<number> {
  if (threats.length === 0) return 0;
  const rules = await enabledResponseRules(deps.dataSource, 'detection');
  let fired = 0;
  for (const rule of rules) {
    for (const t of threats) {
      if (severityRank(t.severity) < severityRank(rule.minSeverity)) continue;
      const target = (await pushTargetsOf(deps.dataSource, t.deviceId)).find((c) => c.integrationId === rule.integrationId);
      if (!target?.externalId) continue;
      const action = await recordAutomaticAction(deps.dataSource, { ruleId: rule.id, integrationId: rule.integrationId, deviceId: t.deviceId, triggerRef: t.detectionId, triggerDetail: { severity: t.severity, title: t.title, rule: rule.name } });
      if (!action) continue;
      const { command } = await createCommand(deps.dataSource, {
        integrationId: rule.integrationId,
        deviceId: t.deviceId,
        externalId: target.externalId,
        command: rule.command,
        params: rule.params,
        requestedBy: `rule:${rule.id}`,
        deadlineAt: new Date(Date.now() + deps.commandTimeoutMs),
      });
      await attachActionCommand(deps.dataSource, action.id, command.id);
      await enqueueCommand(deps.pushQueue, command.id);
      log.warn('response rule fired', { rule: rule.id, command: rule.command, device: t.deviceId, detection: t.detectionId, automaticAction: action.id });
      fired++;
    }
  }
  return fired;
}
