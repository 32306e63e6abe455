import { SecretBox } from '@trustsync/core';
import { createTestDatabase, type TestDatabase } from '@trustsync/testing';
import { createCommand } from './device-commands.repository';
import { createIntegration } from './integration.repository';

describe('command idempotency keys (real Postgres)', () => {
  let db: TestDatabase;
  let integrationId: string;
  const base = () => ({ integrationId, externalId: 'ext-1', requestedBy: 'test', deadlineAt: new Date(Date.now() + 60_000) });

  beforeAll(async () => {
    db = await createTestDatabase('cmdidem');
    const box = new SecretBox([{ id: 't', key: Buffer.alloc(32, 5) }], 't');
    integrationId = (await createIntegration(db.dataSource, box, { name: 'k', integrationType: 'kandji', authType: 'bearer', credentials: { api_key: 'k-1234567890' } }, 'test')).id;
    for (const id of ['DEV-AAAAAAAAAAAA', 'DEV-BBBBBBBBBBBB']) await db.dataSource.query(`INSERT INTO devices (id, correlation_key) VALUES ($1, $2)`, [id, `serial:${id}`]);
  });
  afterAll(async () => db.drop());

  it('answers a repeated request with the first command, whatever the order of its parameters', async () => {
    const first = await createCommand(db.dataSource, { ...base(), deviceId: 'DEV-AAAAAAAAAAAA', command: 'lock', params: { message: 'Call IT', phone_number: '555' }, idempotencyKey: 'k-1' });
    const again = await createCommand(db.dataSource, { ...base(), deviceId: 'DEV-AAAAAAAAAAAA', command: 'lock', params: { phone_number: '555', message: 'Call IT' }, idempotencyKey: 'k-1' });
    expect([first.created, again.created, again.command.id]).toEqual([true, false, first.command.id]);
  });

  it('refuses a key reused for another device, command or parameters instead of reporting the first command as done', async () => {
    await createCommand(db.dataSource, { ...base(), deviceId: 'DEV-AAAAAAAAAAAA', command: 'blankpush', params: {}, idempotencyKey: 'k-2' });
    for (const other of [
      { deviceId: 'DEV-BBBBBBBBBBBB', command: 'blankpush', params: {} },
      { deviceId: 'DEV-AAAAAAAAAAAA', command: 'erase', params: {} },
      { deviceId: 'DEV-AAAAAAAAAAAA', command: 'blankpush', params: { x: 1 } },
    ]) {
      await expect(createCommand(db.dataSource, { ...base(), ...other, idempotencyKey: 'k-2' })).rejects.toMatchObject({ code: 'conflict' });
    }
    const [{ n }] = await db.dataSource.query(`SELECT count(*)::int AS n FROM device_commands WHERE idempotency_key = 'k-2'`);
    expect(n).toBe(1);
  });
});
