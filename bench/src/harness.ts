import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { DataSource } from 'typeorm';
import { IntegrationSyncEntity, requestSync } from '@trustsync/db';
import { QUEUE_NAMES, createRedis, enqueueSync, openQueue } from '@trustsync/queue';

/** The repository root (bench/dist/.. /..). */
export const ROOT = resolve(__dirname, '../..');

/** A spawned service of the bench, with its peak resident memory read from /proc. */
export interface BenchProcess {
  child: ChildProcess;
  /** Peak resident set size in MB (VmHWM), 0 where /proc is not available. */
  peakRssMb(): number;
  /** CPU seconds (user + system) the process has used so far, 0 where /proc is not available. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

/** Clock ticks a second in /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const CLOCK_TICKS_PER_SECOND = 100;

/** Starts `node [nodeArgs] <script>` with `env`; its output goes to bench/results/<name>.log. */
export function spawnService(name: string, script: string, env: NodeJS.ProcessEnv, nodeArgs: string[] = []): BenchProcess {
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  const child = spawn(process.execPath, [...nodeArgs, join(ROOT, script)], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const log: Buffer[] = [];
  child.stdout?.on('data', (d: Buffer) => log.push(d));
  child.stderr?.on('data', (d: Buffer) => log.push(d));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let peak = 0;
  const readPeak = (): number => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]) / 1024);
    } catch {
      // process gone: keep the last reading
    }
    return peak;
  };
  let cpu = 0;
  const readCpu = (): number => {
    try {
      // Fields 14 and 15 (utime, stime) follow the parenthesised command name.
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      cpu = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
    } catch {
      // process gone: keep the last reading
    }
    return cpu;
  };
  const sampler = setInterval(readPeak, 250);
  return {
    child,
    peakRssMb: readPeak,
    cpuSeconds: readCpu,
    stop: async () => {
      readPeak();
      clearInterval(sampler);
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
      writeFileSync(join(ROOT, `bench/results/${name}.log`), Buffer.concat(log));
    },
  };
}

/** Waits until `url` answers 200. */
export async function waitForHttp(url: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms`);
}

/** Asks for a sync the way the API does (row, then job) and waits for it to finish; `onPoll` sees the row every 100 ms. */
export async function runSyncToEnd(
  ds: DataSource,
  redisUrl: string,
  prefix: string,
  integrationId: string,
  syncType = 'full',
  timeoutMs = 30 * 60_000,
  onPoll?: (row: IntegrationSyncEntity) => void,
): Promise<IntegrationSyncEntity> {
  const redis = createRedis(redisUrl, 'producer');
  const queue = openQueue(QUEUE_NAMES.sync, redis, prefix);
  try {
    const { sync } = await requestSync(ds, { integrationId, syncType, triggeredBy: 'bench' });
    await enqueueSync(queue, { syncId: sync.id, integrationId, syncType: syncType as 'full' });
    const repo = ds.getRepository(IntegrationSyncEntity);
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      const row = await repo.findOneByOrFail({ id: sync.id });
      onPoll?.(row);
      if (!['pending', 'in_progress'].includes(row.status)) return row;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`sync ${sync.id} did not finish in time`);
  } finally {
    await queue.close();
    redis.disconnect();
  }
}

/** Appends one result object to bench/results/<name>.jsonl and prints it. */
export function record(name: string, result: Record<string, unknown>): void {
  const line = JSON.stringify({ at: new Date().toISOString(), ...result });
  writeFileSync(join(ROOT, `bench/results/${name}.jsonl`), `${line}\n`, { flag: 'a' });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

/**
 * CPU seconds used so far by every process named `postgres` on this machine (live backends,
 * plus the postmaster's reaped children). A difference of two readings is Postgres's share of
 * a phase, as long as nothing else uses the same server meanwhile.
 */
export function postgresCpuSeconds(): number {
  return cpuSecondsOf('postgres');
}

/** CPU seconds used so far by every process named `redis-server` (BullMQ and the rate gates use it). */
export function redisCpuSeconds(): number {
  return cpuSecondsOf('redis-server');
}

function cpuSecondsOf(command: string): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!stat.includes(`(${command})`)) continue;
      const f = stat.split(') ')[1].split(' ');
      ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    } catch {
      // gone between readdir and read
    }
  }
  return ticks / CLOCK_TICKS_PER_SECOND;
}

/** CPU seconds every process on the machine has used so far (busy time summed over all cores, from /proc/stat). */
export function machineCpuSeconds(): number {
  try {
    const [, ...f] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
    // user nice system idle iowait irq softirq steal: everything but idle and iowait is busy.
    return (f[0] + f[1] + f[2] + f[5] + f[6] + f[7]) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** A port nothing listens on now (fixed ports collide with other engineers' sandboxes). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
