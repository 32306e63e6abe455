import { SecretBox } from '@trustsync/core';
import { createTestDatabase, type TestDatabase } from '@trustsync/testing';
import { IntegrationEntity } from '../entities';
import { countSealedByKey, createIntegration, openCredentials, openWebhookSecret, resealUnderActiveKey, updateIntegration } from './integration.repository';

const OLD = { id: 'k2025', key: Buffer.alloc(32, 1) };
const NEW = { id: 'k2026', key: Buffer.alloc(32, 2) };

describe('key rotation under load (real Postgres)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('keyrot');
  });
  afterAll(async () => db.drop());

  it('re-seals every credential and webhook secret under the new key while integrations are edited, so the old key can be retired', async () => {
    const before = new SecretBox([OLD], OLD.id);
    const ids: string[] = [];
    for (let i = 0; i < 120; i++) {
      const entity = await createIntegration(db.dataSource, before, { name: `tenant-${i}`, integrationType: 'kandji', authType: 'bearer', credentials: { api_key: `token-${i}-aaaaaaaa` }, webhookSecret: i % 2 ? `whsec-${i}-bbbbbbbb` : null }, 'test');
      ids.push(entity.id);
    }
    expect(await countSealedByKey(db.dataSource)).toEqual({ k2025: 180 });

    // Services now run with both keys, the new one active; the rotation runs beside their edits.
    const during = new SecretBox([OLD, NEW], NEW.id);
    const expected = new Map(ids.map((id, i) => [id, `token-${i}-aaaaaaaa`]));
    const edits = (async () => {
      for (let n = 0; n < 60; n++) {
        const id = ids[(n * 7) % ids.length];
        const current = await db.dataSource.getRepository(IntegrationEntity).findOneByOrFail({ id });
        expect(openCredentials(current, during).api_key).toBe(expected.get(id));
        await updateIntegration(db.dataSource, during, id, { credentials: { api_key: `rotated-${n}-cccccccc` } }, 'test');
        expected.set(id, `rotated-${n}-cccccccc`);
      }
    })();
    const [rotation] = await Promise.all([resealUnderActiveKey(db.dataSource, during, 16), edits]);
    expect(rotation.resealed).toBeGreaterThan(0);

    expect(await countSealedByKey(db.dataSource)).toEqual({ k2026: 180 });
    // The old key is gone: every value still opens, with the edits intact.
    const after = new SecretBox([NEW], NEW.id);
    const rows = await db.dataSource.getRepository(IntegrationEntity).find();
    for (const row of rows) {
      const i = ids.indexOf(row.id);
      expect(openCredentials(row, after).api_key).toBe(expected.get(row.id));
      expect(openWebhookSecret(row, after)).toBe(i % 2 ? `whsec-${i}-bbbbbbbb` : null);
    }
  });

  it('does nothing when every value is already under the active key', async () => {
    expect(await resealUnderActiveKey(db.dataSource, new SecretBox([NEW], NEW.id))).toEqual({ resealed: 0, passes: 1 });
  });
});
