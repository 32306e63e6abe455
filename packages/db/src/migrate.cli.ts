import { createLogger } from '@trustsync/core';
import { ensureDatabase, runMigrations } from './migrate';

// One-shot: `npm run migrate` locally, the migrate service in compose, the migration Job in k8s.
async function main(): Promise<void> {
  const logger = createLogger({ service: 'migrate' });
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/trustsync';
  await ensureDatabase(url);
  const ran = await runMigrations(url);
  logger.info('migrations applied', { ran, count: ran.length });
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
