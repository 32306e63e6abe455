import type { DataSource } from 'typeorm';
import { createDataSource } from './data-source';

// Any constant works; it only has to be the same in every process that migrates this database.
const MIGRATION_LOCK_ID = 736_482_019;

/**
 * Runs pending migrations under a Postgres advisory lock, so two processes that migrate at once
 * (compose restarts, a k8s Job retried) never race: TypeORM itself takes no lock.
 */
export async function runMigrations(url: string): Promise<string[]> {
  // Two connections: one holds the advisory lock, the other runs the migrations.
  const ds = createDataSource({ url, poolSize: 2, applicationName: 'trustsync-migrate' });
  await ds.initialize();
  try {
    return await withAdvisoryLock(ds, async () => (await ds.runMigrations({ transaction: 'all' })).map((m) => m.name));
  } finally {
    await ds.destroy();
  }
}

async function withAdvisoryLock<T>(ds: DataSource, fn: () => Promise<T>): Promise<T> {
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    return await fn();
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => undefined);
    await runner.release();
  }
}

/** Creates the database named in `url` when it does not exist (demo and tests; production creates it beforehand). */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`database name ${name} must be letters, digits and underscores`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const { Client } = await import('pg');
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name}"`);
  } catch (err) {
    // Two processes creating it at once: the loser sees a duplicate and carries on.
    if ((err as { code?: string }).code !== '42P04' && (err as { code?: string }).code !== '23505') throw err;
  } finally {
    await client.end();
  }
}
