import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** A service the demo runs as a child process, its output in `.data/logs/<name>.log`. */
export interface Child {
  name: string;
  process: ChildProcess;
  logFile: string;
  exited: Promise<number | null>;
}

/** Starts `node <script>` with `env`, logging to a file; a crash is reported with the log's path. */
export function startChild(name: string, script: string, env: NodeJS.ProcessEnv, logDir: string): Child {
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `${name}.log`);
  const out = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, [script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { name, process: child, logFile, exited };
}

/** Polls `url` until it answers 200, or throws after `timeoutMs` (naming the child's log). */
export async function waitForHttp(url: string, timeoutMs: number, child?: Child): Promise<void> {
  const end = Date.now() + timeoutMs;
  let dead = false;
  void child?.exited.then(() => (dead = true));
  while (Date.now() < end) {
    if (dead) throw new Error(`${child!.name} exited during start-up; see ${child!.logFile}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not become ready within ${timeoutMs} ms${child ? `; see ${child.logFile}` : ''}`);
}

/** Sends SIGTERM to every child and waits (bounded) for them to exit. */
export async function stopChildren(children: Child[], timeoutMs = 10_000): Promise<void> {
  for (const c of children) c.process.kill('SIGTERM');
  await Promise.race([Promise.all(children.map((c) => c.exited)), new Promise((r) => setTimeout(r, timeoutMs))]);
  for (const c of children) if (c.process.exitCode === null) c.process.kill('SIGKILL');
}
