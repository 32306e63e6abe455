import { SecretBox } from '@trustsync/core';
import { createTestDatabase, type TestDatabase } from '@trustsync/testing';
import { createIntegration } from './integration.repository';
import { countMissedWebhooks } from './missed-webhooks.repository';

const box = new SecretBox([{ id: 'test', key: Buffer.alloc(32, 9) }], 'test');
let db: TestDatabase;
let integrationId: string;

beforeAll(async () => {
  db = await createTestDatabase('missedwh');
});

afterAll(async () => {
  await db.drop();
});

beforeEach(async () => {
  integrationId = (await createIntegration(db.dataSource, box, { name: 'okta', integrationType: 'okta', authType: 'api_token', webhookEnabled: true, webhookSecret: 'okta-secret-1234567' }, 'test')).id;
});

afterEach(async () => {
  await db.dataSource.query('DELETE FROM integrations');
});

async function sync(id: string, startedAt: string, completedAt: string): Promise<void> {
  await db.dataSource.query(`INSERT INTO integration_syncs (id, integration_id, sync_type, status, started_at, completed_at) VALUES ($1, $2, 'full', 'completed', $3, $4)`, [id, integrationId, startedAt, completedAt]);
}

async function mapping(externalId: string, lastSyncedAt: string, type = 'user'): Promise<void> {
  await db.dataSource.query(
    `INSERT INTO integration_mappings (integration_id, platform_entity_type, platform_entity_id, external_entity_type, external_entity_id, content_hash, last_synced_at)
     VALUES ($1, $2, $3, $2, $3, 'h', $4)`,
    [integrationId, type, externalId, lastSyncedAt],
  );
}

async function webhookEvent(externalId: string, receivedAt: string): Promise<void> {
  await db.dataSource.query(
    `INSERT INTO integration_events (id, integration_id, external_event_id, event_type, source_entity_type, source_entity_id, payload, payload_hash, received_at, delivery_method)
     VALUES ($1, $2, $1, 'user.lifecycle.suspend', 'user', $3, '{}', 'h', $4, 'webhook')`,
    [`EVT-${externalId.toUpperCase().padEnd(12, '0').slice(0, 12)}`, integrationId, externalId, receivedAt],
  );
}

async function stored(): Promise<{ missed_webhooks: number; missed_webhooks_total: number }> {
  const [row] = await db.dataSource.query(`SELECT missed_webhooks, missed_webhooks_total FROM integrations WHERE id = $1`, [integrationId]);
  return row;
}

describe('missed-webhook detection after a sync', () => {
  beforeEach(async () => {
    await sync('SYN-FIRST0000000', '2026-01-01T00:00:00Z', '2026-01-01T00:10:00Z');
    await sync('SYN-SECOND000000', '2026-01-02T00:00:00Z', '2026-01-02T00:10:00Z');
  });

  it('counts entities the pull changed for which no webhook event arrived', async () => {
    await mapping('changed-silently', '2026-01-02T00:05:00Z');
    await mapping('changed-with-event', '2026-01-02T00:05:00Z');
    await webhookEvent('changed-with-event', '2026-01-01T12:00:00Z');
    await mapping('unchanged', '2026-01-01T00:05:00Z');
    const report = await countMissedWebhooks(db.dataSource, 'SYN-SECOND000000');
    expect([report?.missed, await stored()]).toEqual([1, { missed_webhooks: 1, missed_webhooks_total: 1 }]);
  });

  it('ignores entity types the vendor’s webhooks do not report', async () => {
    await mapping('a-policy', '2026-01-02T00:05:00Z', 'policy');
    expect((await countMissedWebhooks(db.dataSource, 'SYN-SECOND000000'))?.missed).toBe(0);
  });

  it('checks nothing after the first sync, when everything is new', async () => {
    await mapping('new-user', '2026-01-01T00:05:00Z');
    expect(await countMissedWebhooks(db.dataSource, 'SYN-FIRST0000000')).toBeNull();
  });

  it('counts one sync once even when asked twice', async () => {
    await mapping('changed-silently', '2026-01-02T00:05:00Z');
    await countMissedWebhooks(db.dataSource, 'SYN-SECOND000000');
    await countMissedWebhooks(db.dataSource, 'SYN-SECOND000000');
    expect((await stored()).missed_webhooks_total).toBe(1);
  });

  it('checks nothing for an integration with webhooks off', async () => {
    await db.dataSource.query(`UPDATE integrations SET webhook_enabled = false`);
    expect(await countMissedWebhooks(db.dataSource, 'SYN-SECOND000000')).toBeNull();
  });
});
