import { readFileSync } from 'node:fs';
import { EnvReader } from './env-reader';
import { SecretBox, SecretKey } from './secret-box';

/** Settings every TrustSync process shares. */
export interface BaseConfig {
  /** `development` allows an insecure built-in secret key; `production` refuses to start without one. */
  mode: 'development' | 'production' | 'test';
  databaseUrl: string;
  redisUrl: string;
  /** BullMQ key prefix; tests give each run its own. */
  queuePrefix: string;
  logLevel: string;
  secretBox: SecretBox;
  /** True when the secret key is the insecure development fallback. */
  usingDevSecretKey: boolean;
  /** Where vendor requests may go (structurally the connectors' `OutboundPolicy`). */
  outbound: { allowPrivate: boolean; allowedHosts: string[] };
}

// Only ever used in development mode, and announced loudly when it is.
const DEV_KEY: SecretKey = { id: 'dev', key: Buffer.alloc(32, 'trustsync-insecure-development!!') };

/**
 * Parses `TRUSTSYNC_SECRET_KEYS` (or the file named by `TRUSTSYNC_SECRET_KEYS_FILE`, e.g. a
 * Kubernetes Secret mount): comma- or newline-separated `keyId:base64key` entries. The active key
 * is `TRUSTSYNC_ACTIVE_KEY_ID`, or the last entry.
 */
function readSecretKeys(r: EnvReader, mode: BaseConfig['mode']): { box: SecretBox; dev: boolean } {
  const file = r.optional('TRUSTSYNC_SECRET_KEYS_FILE');
  let raw = r.optional('TRUSTSYNC_SECRET_KEYS');
  if (!raw && file) {
    try {
      raw = readFileSync(file, 'utf8');
    } catch (err) {
      r.problem(`TRUSTSYNC_SECRET_KEYS_FILE ${file} cannot be read: ${(err as Error).message}`);
    }
  }
  const keys: SecretKey[] = [];
  for (const entry of (raw ?? '').split(/[\s,]+/).filter(Boolean)) {
    const sep = entry.indexOf(':');
    const id = entry.slice(0, sep);
    const key = Buffer.from(entry.slice(sep + 1), 'base64');
    if (sep <= 0 || key.length !== 32) {
      r.problem(`secret key entry "${id || entry.slice(0, 8)}…" must be keyId:<32 bytes in base64>`);
      continue;
    }
    keys.push({ id, key });
  }
  if (keys.length === 0) {
    if (mode === 'production') {
      r.problem('TRUSTSYNC_SECRET_KEYS (or TRUSTSYNC_SECRET_KEYS_FILE) is required outside development mode');
    }
    return { box: new SecretBox([DEV_KEY], DEV_KEY.id), dev: true };
  }
  const active = r.optional('TRUSTSYNC_ACTIVE_KEY_ID') ?? keys[keys.length - 1].id;
  if (!keys.some((k) => k.id === active)) {
    r.problem(`TRUSTSYNC_ACTIVE_KEY_ID ${active} is not among the configured keys`);
    return { box: new SecretBox(keys, keys[keys.length - 1].id), dev: false };
  }
  return { box: new SecretBox(keys, active), dev: false };
}

/** Reads the settings every process shares; call `reader.finish()` after adding service settings. */
export function readBaseConfig(r: EnvReader, env: NodeJS.ProcessEnv): BaseConfig {
  const mode = r.oneOf('TRUSTSYNC_MODE', ['development', 'production', 'test'] as const, env.NODE_ENV === 'production' ? 'production' : 'development');
  const { box, dev } = readSecretKeys(r, mode);
  return {
    mode,
    databaseUrl: r.string('DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/trustsync'),
    redisUrl: r.string('REDIS_URL', 'redis://127.0.0.1:6379'),
    queuePrefix: r.string('TRUSTSYNC_QUEUE_PREFIX', 'trustsync'),
    logLevel: r.oneOf('LOG_LEVEL', ['error', 'warn', 'info', 'debug'] as const, 'info'),
    secretBox: box,
    usingDevSecretKey: dev,
    outbound: {
      // Outside production the sandbox runs on loopback over http.
      allowPrivate: r.bool('TRUSTSYNC_ALLOW_PRIVATE_ENDPOINTS', mode !== 'production'),
      allowedHosts: (r.optional('TRUSTSYNC_ENDPOINT_ALLOWLIST') ?? '').split(/[\s,]+/).filter(Boolean),
    },
  };
}
