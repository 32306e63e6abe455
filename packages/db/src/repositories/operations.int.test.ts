import { SecretBox } from '@trustsync/core';
import { createTestDatabase, type TestDatabase } from '@trustsync/testing';
import { IntegrationEntity } from '../entities';
import { createIntegration } from './integration.repository';
import { resumeScheduling } from './operations.repository';
import { requestSync } from './sync-requests.repository';
import { beginSyncRun, finishSyncRun } from './sync-runs.repository';

const box = new SecretBox([{ id: 't', key: Buffer.alloc(32, 3) }], 't');

describe('failure streaks and automatic stop of scheduling (real Postgres)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('operations');
  });
  afterAll(async () => db.drop());

  async function newIntegration(name: string): Promise<string> {
    const i = await createIntegration(db.dataSource, box, { name, integrationType: 'kandji', authType: 'bearer', credentials: { api_key: 'k-123456' } }, 'test');
    return i.id;
  }

  async function runSyncs(integrationId: string, outcome: 'failed' | 'completed', times: number): Promise<boolean[]> {
    const disabled: boolean[] = [];
    for (let n = 0; n < times; n++) {
      const { sync } = await requestSync(db.dataSource, { integrationId, syncType: 'full', triggeredBy: 'test' });
      await beginSyncRun(db.dataSource, sync.id);
      const result = await finishSyncRun(db.dataSource, {
        syncId: sync.id,
        integrationId,
        outcome,
        errorMessage: outcome === 'failed' ? 'kandji answered 401 to GET /api/v1/devices' : null,
        health: outcome === 'failed' ? { status: 'unhealthy', reason: '401 from kandji' } : { status: 'healthy', reason: null },
      });
      disabled.push(result.schedulingDisabled);
    }
    return disabled;
  }

  const load = (id: string) => db.dataSource.getRepository(IntegrationEntity).findOneByOrFail({ id });

  it('keeps scheduling on through 19 failed syncs in a row', async () => {
    const id = await newIntegration('nineteen');
    await runSyncs(id, 'failed', 19);
    const i = await load(id);
    expect([i.syncEnabled, i.consecutiveFailures, i.schedulingDisabledAt]).toEqual([true, 19, null]);
  });

  it('switches scheduling off at the 20th failed sync in a row, with the reason recorded', async () => {
    const id = await newIntegration('twenty');
    const disabled = await runSyncs(id, 'failed', 20);
    const i = await load(id);
    expect(disabled.indexOf(true)).toBe(19);
    expect(i.syncEnabled).toBe(false);
    expect(i.schedulingDisabledReason).toBe('scheduling disabled after 20 consecutive failed syncs; last: kandji answered 401 to GET /api/v1/devices');
    expect([i.healthStatus, i.healthReason]).toEqual(['unhealthy', i.schedulingDisabledReason]);
  });

  it('starts the streak again after a completed sync', async () => {
    const id = await newIntegration('reset');
    await runSyncs(id, 'failed', 15);
    await runSyncs(id, 'completed', 1);
    await runSyncs(id, 'failed', 15);
    const i = await load(id);
    expect([i.syncEnabled, i.consecutiveFailures]).toEqual([true, 15]);
    expect(i.lastSuccessAt).toBeInstanceOf(Date);
  });

  it('honours an integration\'s own failure limit', async () => {
    const id = await newIntegration('own-limit');
    await db.dataSource.getRepository(IntegrationEntity).update({ id }, { autoDisableAfterFailures: 3 });
    expect(await runSyncs(id, 'failed', 3)).toEqual([false, false, true]);
  });

  it('resumes scheduling that was stopped automatically and resets the streak', async () => {
    const id = await newIntegration('resume');
    await runSyncs(id, 'failed', 20);
    expect(await resumeScheduling(db.dataSource, id)).toBe(true);
    const i = await load(id);
    expect([i.syncEnabled, i.consecutiveFailures, i.schedulingDisabledAt, i.schedulingDisabledReason]).toEqual([true, 0, null, null]);
  });

  it('leaves scheduling an operator switched off alone', async () => {
    const id = await newIntegration('operator-off');
    await db.dataSource.getRepository(IntegrationEntity).update({ id }, { syncEnabled: false });
    expect(await resumeScheduling(db.dataSource, id)).toBe(false);
    expect((await load(id)).syncEnabled).toBe(false);
  });
});
