import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseYaml, validate, type Schema } from './schema-check';

const FILE = join(__dirname, '../../docker-compose.yml');
// Compose's own validator (Debian's docker-compose, installed by .ci/run): no Docker engine is needed for `config`.
const DOCKER_COMPOSE = '/usr/bin/docker-compose';
const withCompose = existsSync(DOCKER_COMPOSE) || process.env.CI ? it : it.skip;

const compose = parseYaml(readFileSync(join(__dirname, '../../docker-compose.yml'), 'utf8'))[0] as { services: Record<string, Record<string, any>> };
const services = compose.services;
const LONG_RUNNING = ['postgres', 'redis', 'api', 'sync-worker', 'webhook-worker', 'push-worker', 'scheduler', 'vendor-sandbox'];
const APP = ['api', 'sync-worker', 'webhook-worker', 'push-worker', 'scheduler'];

const serviceSchema: Schema = {
  type: 'object',
  required: ['image'],
  properties: {
    image: { type: 'string', pattern: '^[^:]+:[A-Za-z0-9._-]+$' },
    command: { type: 'array', items: { type: 'string' } },
    healthcheck: { type: 'object', required: ['test', 'interval', 'retries'] },
    depends_on: { type: 'object', additionalProperties: { type: 'object', required: ['condition'], properties: { condition: { type: 'string', enum: ['service_healthy', 'service_completed_successfully', 'service_started'] } } } },
  },
};

describe('docker-compose.yml', () => {
  withCompose('passes `docker-compose config` and defines every service, the sandbox profile included', () => {
    const run = (...args: string[]) => execFileSync(DOCKER_COMPOSE, ['-f', FILE, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(() => run('config', '-q')).not.toThrow();
    expect(run('--profile', 'sandbox', 'config', '--services').trim().split('\n').sort()).toEqual([...APP, 'migrate', 'postgres', 'redis', 'vendor-sandbox'].sort());
  });

  it('declares every service with a tagged image and a valid shape', () => {
    expect(Object.entries(services).flatMap(([name, s]) => validate(s, serviceSchema, name))).toEqual([]);
  });

  it('runs the API, all three workers and the scheduler', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining([...APP, 'migrate']));
  });

  it('gives every long-running service a healthcheck', () => {
    expect(LONG_RUNNING.filter((n) => !services[n]?.healthcheck)).toEqual([]);
  });

  it('starts the application services only after the migration and a healthy Redis and Postgres', () => {
    const missing = APP.filter((n) => services[n].depends_on?.migrate?.condition !== 'service_completed_successfully' || services[n].depends_on?.redis?.condition !== 'service_healthy' || services[n].depends_on?.postgres?.condition !== 'service_healthy');
    expect(missing).toEqual([]);
  });

  it('lets `--scale sync-worker=3` work: no container name and no host port on the workers', () => {
    const pinned = ['sync-worker', 'webhook-worker', 'push-worker', 'scheduler'].filter((n) => services[n].container_name !== undefined || services[n].ports !== undefined);
    expect(pinned).toEqual([]);
  });

  it('runs Redis with AOF and without eviction', () => {
    expect(services.redis.command).toEqual(expect.arrayContaining(['--appendonly', 'yes', '--maxmemory-policy', 'noeviction']));
  });

  it('gives each worker a stop grace period above its shutdown deadline', () => {
    const seconds = (v: string): number => Number(/^(\d+)s$/.exec(v)?.[1] ?? 0);
    const short = ['sync-worker', 'webhook-worker', 'push-worker'].filter((n) => seconds(services[n].stop_grace_period) * 1000 <= Number(services[n].environment.SHUTDOWN_DEADLINE_MS ?? 25_000));
    expect(short).toEqual([]);
  });

  it('keeps the secret keys in a compose secret, not in the environment', () => {
    expect(APP.filter((n) => 'TRUSTSYNC_SECRET_KEYS' in (services[n].environment ?? {}))).toEqual([]);
  });
});
