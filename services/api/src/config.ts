import { readFileSync } from 'node:fs';
import { EnvReader, readBaseConfig, type BaseConfig } from '@trustsync/core';

/** Settings of the API process. */
export interface ApiConfig extends BaseConfig {
  port: number;
  host: string;
  /** Largest JSON body accepted, in express' size syntax (`1mb`). */
  bodyLimit: string;
  /** How long a connection test may take before it is reported as failed. */
  connectionTestTimeoutMs: number;
  /** How long an enqueue may wait for Redis before the request answers without it. */
  enqueueTimeoutMs: number;
  /** How long each readiness probe (Postgres, Redis) may take. */
  readinessTimeoutMs: number;
  shutdownDeadlineMs: number;
  /** Lets endpoints name loopback or private addresses; on by default outside production (the sandbox runs locally). */
  allowPrivateEndpoints: boolean;
  /** An admin API key the operator chose (env or a Secret file); created at start when missing. */
  bootstrapAdminKey?: string;
}

/** Reads and checks the API's settings, reporting every problem at once. */
export function readApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const r = new EnvReader(env);
  const base = readBaseConfig(r, env);
  const bodyLimit = r.string('API_BODY_LIMIT', '1mb');
  if (!/^\d+(b|kb|mb)$/i.test(bodyLimit)) r.problem(`API_BODY_LIMIT must look like 512kb or 1mb, got "${bodyLimit}"`);
  const config: ApiConfig = {
    ...base,
    port: r.int('PORT', 8000, 0, 65_535),
    host: r.string('HOST', '0.0.0.0'),
    bodyLimit,
    connectionTestTimeoutMs: r.int('API_CONNECTION_TEST_TIMEOUT_MS', 20_000, 100, 120_000),
    enqueueTimeoutMs: r.int('API_ENQUEUE_TIMEOUT_MS', 2000, 50, 30_000),
    readinessTimeoutMs: r.int('API_READINESS_TIMEOUT_MS', 1000, 50, 10_000),
    shutdownDeadlineMs: r.int('API_SHUTDOWN_DEADLINE_MS', 10_000, 100, 120_000),
    allowPrivateEndpoints: base.outbound.allowPrivate,
  };
  const keyFile = r.optional('TRUSTSYNC_BOOTSTRAP_ADMIN_KEY_FILE');
  let bootstrapAdminKey = r.optional('TRUSTSYNC_BOOTSTRAP_ADMIN_KEY');
  if (!bootstrapAdminKey && keyFile) {
    try {
      bootstrapAdminKey = readFileSync(keyFile, 'utf8').trim();
    } catch (err) {
      r.problem(`TRUSTSYNC_BOOTSTRAP_ADMIN_KEY_FILE ${keyFile} cannot be read: ${(err as Error).message}`);
    }
  }
  if (bootstrapAdminKey !== undefined && !/^[\x21-\x7e]{32,256}$/.test(bootstrapAdminKey)) {
    r.problem('TRUSTSYNC_BOOTSTRAP_ADMIN_KEY must be 32 to 256 printable characters without spaces (e.g. the output of npm run --silent secret-key)');
  }
  if (bootstrapAdminKey) config.bootstrapAdminKey = bootstrapAdminKey;
  r.finish();
  return config;
}
