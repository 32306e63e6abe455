// The examples import the client from its sources, so the test does too (one SyncManager class).
import { SyncManager } from '../packages/client/src';
import { runPushExamples, type PushExamplesOutcome } from '../packages/client/src/examples/push-examples';
import { demoIntegrations } from '../scripts/src/demo-integrations';
import { startStack, syncToEnd, type Stack } from './harness';

// The TypeScript client's push examples (the original design's) against the running system:
// API → push queue → push worker → the Zscaler and Seraphic simulators, with the per-integration
// `success` read back the way the original design read `results[integration_id]['success']`.

const VENDORS = ['kandji', 'zscaler', 'seraphic'] as const;
type Vendor = (typeof VENDORS)[number];

/** Waits until the push queue has had no backlog on two reads in a row. */
async function pushQueueDrained(stack: Stack, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  let idle = 0;
  while (idle < 2) {
    const res = await stack.call<{ queues: Record<string, { total: number }> }>('GET', '/api/v1/queues/metrics');
    idle = res.body.queues.push?.total === 0 ? idle + 1 : 0;
    if (Date.now() > end) throw new Error(`push queue not drained: ${JSON.stringify(res.body.queues.push)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('the TypeScript client push examples against a running TrustSync', () => {
  let stack: Stack;
  const ids = {} as Record<Vendor, string>;
  let deviceId: string;
  let run: PushExamplesOutcome;

  beforeAll(async () => {
    stack = await startStack('client', { SANDBOX_VENDORS: VENDORS.join(','), SANDBOX_PEOPLE: '40', SANDBOX_KANDJI_DEVICES: '40', SANDBOX_ZSCALER_DEVICES: '40', SANDBOX_SERAPHIC_DEVICES: '40' }, 1, {
      extraServices: { 'push-worker': {}, 'webhook-worker': {} },
    });
    const demos = demoIntegrations(stack.sandbox);
    for (const v of VENDORS) {
      const demo = demos.find((d) => d.body.integration_type === v)!;
      const res = await stack.call<{ id: string }>('POST', '/api/v1/integrations', { ...demo.body, name: demo.name, push_compliance: true, push_risk_scores: true });
      if (res.status !== 201) throw new Error(`creating ${v} answered ${res.status}: ${JSON.stringify(res.body)}`);
      ids[v] = res.body.id;
    }
    const syncs = await Promise.all(VENDORS.map((v) => syncToEnd(stack, ids[v], 'full', 60_000)));
    const failed = syncs.filter((s) => s.status !== 'completed');
    if (failed.length > 0) throw new Error(`syncs did not complete: ${JSON.stringify(failed.map((s) => [s.integration_id, s.status, s.error_message]))}`);
    // A machine every one of the three tools reports (merged by serial number).
    const [row] = await stack.db.dataSource.query(
      `SELECT m.platform_entity_id AS id FROM integration_mappings m
        WHERE m.platform_entity_type = 'device' AND m.active AND m.integration_id = ANY($1)
        GROUP BY m.platform_entity_id HAVING count(DISTINCT m.integration_id) = 3 ORDER BY m.platform_entity_id LIMIT 1`,
      [Object.values(ids)],
    );
    if (!row) throw new Error('no device is reported by Kandji, Zscaler and Seraphic');
    deviceId = row.id;
    // Each sync hands its changed devices to the push worker's posture evaluation, which records a
    // compliance state of its own; the examples run after it, as an operator's call would.
    await pushQueueDrained(stack);
    const manager = new SyncManager({ baseUrl: stack.api, apiKey: stack.adminKey });
    run = await runPushExamples(manager, deviceId, () => undefined);
  }, 55_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('answers one entry per integration that reports the device, for each push', () => {
    expect(Object.keys(run.compliance.results).sort()).toEqual(Object.values(ids).sort());
    expect(Object.keys(run.risk.results).sort()).toEqual(Object.values(ids).sort());
  });

  it.each(['zscaler', 'seraphic'] as const)('reports results[%s integration id].success true for the compliance push', (v) => {
    const r = run.compliance.results[ids[v]];
    expect([r.integration_type, r.status, r.success, r.error ?? null]).toEqual([v, 'succeeded', true, null]);
  });

  it.each(['zscaler', 'seraphic'] as const)('reports results[%s integration id].success true for the risk score push', (v) => {
    const r = run.risk.results[ids[v]];
    expect([r.integration_type, r.status, r.success, r.error ?? null]).toEqual([v, 'succeeded', true, null]);
  });

  it('reports Kandji skipped, because Kandji takes no compliance or risk push', () => {
    for (const outcome of [run.compliance, run.risk]) {
      const r = outcome.results[ids.kandji];
      expect([r.status, r.reason, r.success === true]).toEqual(['skipped', 'vendor_cannot_receive', false]);
    }
  });

  it('prints a title and a line per integration with its success, for each push', () => {
    const lines = (title: string, version: number) => [
      `${title} (state version ${version})`,
      ...[`  ${ids.kandji} [kandji] skipped: vendor_cannot_receive`, `  ${ids.zscaler} [zscaler] success=true`, `  ${ids.seraphic} [seraphic] success=true`].sort(),
    ];
    const printed = [run.printed[0], ...run.printed.slice(1, 4).sort(), run.printed[4], ...run.printed.slice(5).sort()];
    expect(printed).toEqual([...lines('Compliance push', run.compliance.state_version), ...lines('Risk score push', run.risk.state_version)]);
  });

  it('delivered the examples\' compliance, then risk, to the device\'s Seraphic endpoint', async () => {
    const [mapping] = await stack.db.dataSource.query(
      `SELECT external_entity_id FROM integration_mappings WHERE integration_id = $1 AND platform_entity_type = 'device' AND platform_entity_id = $2 AND active`,
      [ids.seraphic, deviceId],
    );
    const pushes = (await (await fetch(`${stack.sandbox}/_sandbox/seraphic/pushes`)).json()) as Array<{ endpointId: string; body: Record<string, unknown> }>;
    // Earlier entries are the posture evaluation's own pushes after the syncs.
    const last = pushes.filter((p) => p.endpointId === mapping.external_entity_id).slice(-2).map((p) => p.body);
    expect(last).toEqual([
      expect.objectContaining({ compliant: false, complianceScore: 65, reasons: ['FileVault disabled', 'OS update required'] }),
      expect.objectContaining({ riskScore: 75, riskLevel: 'high', reasons: ['Non-compliant device', 'Recent threat detected'] }),
    ]);
  });
});
