import type { Queue } from 'bullmq';
import type { Express, Request, Response } from 'express';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';

/** Where Bull Board is mounted. */
export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/** Options of the dashboard: read-only for everyone, or decided per request (by the caller's role). */
export interface QueueDashboardOptions {
  readOnly: boolean | ((req: Request, res: Response) => boolean);
}

function board(queues: Queue[], readOnlyMode: boolean): ExpressAdapter {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode })), serverAdapter });
  return serverAdapter;
}

/**
 * Mounts Bull Board at `/admin/queues`. Bull Board fixes read-only mode per queue adapter, so
 * when it depends on the caller two boards are built and each request is sent to the one its
 * role may use: non-admins can look, never retry, promote or delete.
 */
export function mountQueueDashboard(app: Express, queues: Queue[], opts: QueueDashboardOptions): void {
  if (typeof opts.readOnly === 'boolean') {
    app.use(QUEUE_DASHBOARD_PATH, board(queues, opts.readOnly).getRouter());
    return;
  }
  const decide = opts.readOnly;
  const viewer = board(queues, true).getRouter();
  const admin = board(queues, false).getRouter();
  app.use(QUEUE_DASHBOARD_PATH, (req, res, next) => (decide(req, res) ? viewer : admin)(req, res, next));
}
