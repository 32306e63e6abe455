import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource, runMigrations } from '@trustsync/db';

/** The server tests run against; each test file gets its own database on it. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** The Redis tests run against; each test file gets its own queue prefix on it. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A fresh, migrated database private to one test file; `drop()` removes it. */
export interface TestDatabase {
  url: string;
  name: string;
  dataSource: DataSource;
  drop(): Promise<void>;
}

/** Creates and migrates a database named `ts_<label>_<random>` on the test server. */
export async function createTestDatabase(label = 'test'): Promise<TestDatabase> {
  const name = `ts_${label.replace(/[^a-z0-9]/gi, '').toLowerCase().slice(0, 20)}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = withDatabase(TEST_DATABASE_URL, name);
  await runMigrations(url);
  const dataSource = createDataSource({ url, poolSize: 10, applicationName: `test-${label}` });
  await dataSource.initialize();
  return {
    url,
    name,
    dataSource,
    drop: async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
      const c = new Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

/** A BullMQ prefix private to one test file. */
export function testQueuePrefix(label = 'test'): string {
  return `tstest-${label}-${randomBytes(4).toString('hex')}`;
}
