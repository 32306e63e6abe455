import { randomBytes } from 'node:crypto';
import { readBaseConfig, type BaseConfig } from './base-config';
import { EnvReader } from './env-reader';
import { ConfigError } from './errors';

const KEY_A = randomBytes(32).toString('base64');
const KEY_B = randomBytes(32).toString('base64');

/** What a process does at start: read the shared settings, then `finish()`, which throws every problem at once. */
function start(env: NodeJS.ProcessEnv): BaseConfig {
  const reader = new EnvReader(env);
  const config = readBaseConfig(reader, env);
  reader.finish();
  return config;
}

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    start(env);
  } catch (err) {
    if (err instanceof ConfigError) return (err.details as { problems: string[] }).problems;
    throw err;
  }
  throw new Error('expected the configuration to be refused');
}

describe('readBaseConfig in production', () => {
  it('refuses to start with NODE_ENV=production and no TRUSTSYNC_SECRET_KEYS, saying which variable is missing', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual(['TRUSTSYNC_SECRET_KEYS (or TRUSTSYNC_SECRET_KEYS_FILE) is required outside development mode']);
  });

  it('refuses to start with TRUSTSYNC_MODE=production and no key', () => {
    expect(problemsOf({ TRUSTSYNC_MODE: 'production' })).toEqual(['TRUSTSYNC_SECRET_KEYS (or TRUSTSYNC_SECRET_KEYS_FILE) is required outside development mode']);
  });

  it('reports the missing key together with every other bad value', () => {
    expect(problemsOf({ NODE_ENV: 'production', LOG_LEVEL: 'chatty' })).toEqual([
      'TRUSTSYNC_SECRET_KEYS (or TRUSTSYNC_SECRET_KEYS_FILE) is required outside development mode',
      'LOG_LEVEL must be one of error, warn, info, debug, got "chatty"',
    ]);
  });

  it('refuses a key file that cannot be read, naming the file', () => {
    const problems = problemsOf({ NODE_ENV: 'production', TRUSTSYNC_SECRET_KEYS_FILE: '/nonexistent/trustsync-keys' });
    expect(problems.map((p) => p.split(':')[0])).toEqual(['TRUSTSYNC_SECRET_KEYS_FILE /nonexistent/trustsync-keys cannot be read', 'TRUSTSYNC_SECRET_KEYS (or TRUSTSYNC_SECRET_KEYS_FILE) is required outside development mode']);
  });

  it('starts with a key, sealing under the last key listed', () => {
    const config = start({ NODE_ENV: 'production', TRUSTSYNC_SECRET_KEYS: `old:${KEY_A},new:${KEY_B}` });
    expect({ mode: config.mode, dev: config.usingDevSecretKey, active: config.secretBox.activeKeyId }).toEqual({ mode: 'production', dev: false, active: 'new' });
  });

  it('refuses an active key id that is not among the keys', () => {
    expect(problemsOf({ NODE_ENV: 'production', TRUSTSYNC_SECRET_KEYS: `old:${KEY_A}`, TRUSTSYNC_ACTIVE_KEY_ID: 'new' })).toEqual(['TRUSTSYNC_ACTIVE_KEY_ID new is not among the configured keys']);
  });
});

describe('readBaseConfig in development', () => {
  it('starts without a key on the announced insecure development key', () => {
    const config = start({});
    expect({ mode: config.mode, dev: config.usingDevSecretKey, active: config.secretBox.activeKeyId }).toEqual({ mode: 'development', dev: true, active: 'dev' });
  });
});
