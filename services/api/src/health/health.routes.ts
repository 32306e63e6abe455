import { Router } from 'express';
import { pingDatabase } from '@trustsync/db';
import type { ApiContext } from '../api-context';
import { withDeadline } from '../http/deadline';

async function probe(work: () => Promise<unknown>, timeoutMs: number, label: string): Promise<'ok' | 'failed'> {
  try {
    await withDeadline(work(), timeoutMs, label);
    return 'ok';
  } catch {
    return 'failed';
  }
}

/** Liveness (the process answers) and readiness (Postgres and Redis answer, and we are not shutting down). */
export function healthRouter(ctx: ApiContext): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    if (ctx.lifecycle.draining) {
      res.status(503).json({ status: 'draining', checks: {} });
      return;
    }
    const [postgres, redis] = await Promise.all([
      probe(() => pingDatabase(ctx.dataSource), ctx.readinessTimeoutMs, 'postgres'),
      probe(() => ctx.redis.ping(), ctx.readinessTimeoutMs, 'redis'),
    ]);
    const ready = postgres === 'ok' && redis === 'ok';
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks: { postgres, redis } });
  });
  return router;
}
