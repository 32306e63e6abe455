import { SyncManager, type PushOutcome } from '../index';

/**
 * The original design's push examples over the REST API: a compliance push and a risk-score
 * push for one device, then "per integration success". Run against a running TrustSync:
 * `TRUSTSYNC_URL=http://127.0.0.1:8000 TRUSTSYNC_API_KEY=… DEVICE_ID=DEV-… node packages/client/dist/examples/push-examples.js`
 * (without DEVICE_ID the first device of the inventory is used).
 */

/** The original design's compliance example: a non-compliant device with two violations. */
export const EXAMPLE_COMPLIANCE = { is_compliant: false, compliance_score: 65, violations: ['FileVault disabled', 'OS update required'] };

/** The original design's risk example: a high risk score with its factors. */
export const EXAMPLE_RISK = { total_risk_score: 75, risk_level: 'high', risk_factors: ['Non-compliant device', 'Recent threat detected'] } as const;

/** The lines printed for one push: a title, then one line per integration with its `success` (or why it was skipped). */
export function formatResults(title: string, outcome: PushOutcome): string[] {
  const lines = [`${title} (state version ${outcome.state_version})`];
  for (const [integrationId, r] of Object.entries(outcome.results)) {
    const verdict = r.status === 'skipped' ? `skipped: ${r.reason}` : `success=${r.success === true}${r.error ? ` (${r.error})` : ''}`;
    lines.push(`  ${integrationId} [${r.integration_type}] ${verdict}`);
  }
  return lines;
}

/** Both pushes of the examples, each waited for, and what they printed. */
export interface PushExamplesOutcome {
  compliance: PushOutcome;
  risk: PushOutcome;
  printed: string[];
}

/** Runs the compliance push, then the risk-score push, for one device, printing each with `print`. */
export async function runPushExamples(manager: SyncManager, deviceId: string, print: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<PushExamplesOutcome> {
  const printed: string[] = [];
  const out = (lines: string[]): void => {
    for (const l of lines) {
      printed.push(l);
      print(l);
    }
  };
  const compliance = await manager.pushComplianceStatus(deviceId, EXAMPLE_COMPLIANCE, { wait: true });
  out(formatResults('Compliance push', compliance));
  const risk = await manager.pushRiskScore(deviceId, { ...EXAMPLE_RISK, risk_factors: [...EXAMPLE_RISK.risk_factors] }, { wait: true });
  out(formatResults('Risk score push', risk));
  return { compliance, risk, printed };
}

async function main(): Promise<void> {
  const manager = new SyncManager({ baseUrl: process.env.TRUSTSYNC_URL ?? 'http://127.0.0.1:8000', apiKey: process.env.TRUSTSYNC_API_KEY });
  const deviceId = process.env.DEVICE_ID ?? (await manager.listDevices({ page_size: 1 })).items[0]?.id;
  if (!deviceId) throw new Error('the inventory has no device yet: run a sync first');
  await runPushExamples(manager, deviceId);
}

// Importing the examples (a test does) runs nothing; running the file runs them.
if (require.main === module) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  });
}
