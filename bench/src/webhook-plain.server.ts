import { createHmac, timingSafeEqual } from 'node:crypto';
import express from 'express';

/**
 * The baseline of the webhook bench: an express endpoint that only checks the Seraphic-style
 * HMAC of the raw body and answers 200, storing and enqueuing nothing. Started by the bench as its
 * own process so it does not share a CPU loop with the load generator.
 */
function main(): void {
  const secret = process.env.BENCH_WEBHOOK_SECRET ?? '';
  const port = Number(process.env.PORT ?? 0);
  const app = express();
  app.post('/hook', express.raw({ type: () => true, limit: '1mb' }), (req, res) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const ts = String(req.headers['x-seraphic-timestamp'] ?? '');
    const given = Buffer.from(String(req.headers['x-seraphic-signature'] ?? '').replace(/^sha256=/, ''));
    const expected = Buffer.from(createHmac('sha256', secret).update(`${ts}.`).update(body).digest('hex'));
    const ok = given.length === expected.length && timingSafeEqual(given, expected);
    res.status(ok ? 200 : 401).json({ ok });
  });
  app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  const server = app.listen(port, '127.0.0.1');
  process.once('SIGTERM', () => server.close());
}

main();
