import { parseArgs } from 'node:util';
import { EnvReader, readBaseConfig } from '@trustsync/core';
import { API_ROLES, countSealedByKey, createApiKey, createDataSource, resealUnderActiveKey, type ApiRole } from '@trustsync/db';

const USAGE = `usage:
  npm run api-key -- --name NAME --role viewer|operator|admin [--expires-at 2027-01-31T00:00:00Z]
      creates an API key and prints it (the only time it is shown)
  npm run rotate-keys [-- --check]
      re-seals every credential and webhook secret under TRUSTSYNC_ACTIVE_KEY_ID while the services run;
      --check only prints how many sealed values each key id still holds (0 for a key = it can be retired)`;

// Operator commands: one-shot, against the same DATABASE_URL and secret keys as the services.
async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  const { values } = parseArgs({ args: rest, options: { name: { type: 'string' }, role: { type: 'string' }, 'expires-at': { type: 'string' }, check: { type: 'boolean' } } });
  const r = new EnvReader(process.env);
  const config = readBaseConfig(r, process.env);
  r.finish();
  if (command !== 'create-api-key' && command !== 'rotate-keys') throw new Error(USAGE);
  if (command === 'create-api-key' && (!values.name || !API_ROLES.includes(values.role as ApiRole))) throw new Error(USAGE);
  const expiresAt = values['expires-at'] ? new Date(values['expires-at']) : null;
  if (expiresAt && Number.isNaN(expiresAt.getTime())) throw new Error('--expires-at must be an ISO-8601 time');

  const ds = createDataSource({ url: config.databaseUrl, applicationName: 'trustsync-admin', poolSize: 2 });
  await ds.initialize();
  try {
    if (command === 'create-api-key') {
      const { key, record } = await createApiKey(ds, { name: values.name!, role: values.role as ApiRole, expiresAt, createdBy: 'cli' });
      process.stderr.write(`created ${record.role} key ${record.id} "${record.name}"; store it now, it is not shown again:\n`);
      process.stdout.write(`${key}\n`);
      return;
    }
    if (!values.check) {
      const { resealed } = await resealUnderActiveKey(ds, config.secretBox);
      process.stdout.write(`re-sealed ${resealed} integration(s) under key ${config.secretBox.activeKeyId}\n`);
    }
    process.stdout.write(`sealed values by key id: ${JSON.stringify(await countSealedByKey(ds))}\n`);
  } finally {
    await ds.destroy();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
