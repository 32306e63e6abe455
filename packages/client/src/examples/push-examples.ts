import { SyncManager, type PushOutcome } from '../index';

/**
 * The original design's push examples over the REST API: a compliance push and a risk-score
 * push for one device, then "per integration success". Run against a running TrustSync:
 * `TRUSTSYNC_URL=http://127.0.0.1:8000 TRUSTSYNC_API_KEY=… DEVICE_ID=DEV-… node packages/client/dist/examples/push-examples.js`
 * (without DEVICE_ID the first device of the inventory is used).
 */
function printResults(title: string, outcome: PushOutcome): void {
  process.stdout.write(`${title} (state version ${outcome.state_version})\n`);
  for (const [integrationId, r] of Object.entries(outcome.results)) {
    const verdict = r.status === 'skipped' ? `skipped: ${r.reason}` : `success=${r.success === true}${r.error ? ` (${r.error})` : ''}`;
    process.stdout.write(`  ${integrationId} [${r.integration_type}] ${verdict}\n`);
  }
}

async function main(): Promise<void> {
  const manager = new SyncManager({ baseUrl: process.env.TRUSTSYNC_URL ?? 'http://127.0.0.1:8000', apiKey: process.env.TRUSTSYNC_API_KEY });
  const deviceId = process.env.DEVICE_ID ?? (await manager.listDevices({ page_size: 1 })).items[0]?.id;
  if (!deviceId) throw new Error('the inventory has no device yet: run a sync first');

  const compliance = await manager.pushComplianceStatus(
    deviceId,
    { is_compliant: false, compliance_score: 65, violations: ['FileVault disabled', 'OS update required'] },
    { wait: true },
  );
  printResults('Compliance push', compliance);

  const risk = await manager.pushRiskScore(
    deviceId,
    { total_risk_score: 75, risk_level: 'high', risk_factors: ['Non-compliant device', 'Recent threat detected'] },
    { wait: true },
  );
  printResults('Risk score push', risk);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
