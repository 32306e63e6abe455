import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Probes a worker answers on its small health port. */
export interface HealthChecks {
  /** True while the process should receive work (turns false first on shutdown). */
  ready: () => Promise<boolean>;
  /** Extra routes, e.g. `/metrics`. */
  routes?: Record<string, () => Promise<{ contentType: string; body: string }>>;
}

/** Starts `/healthz` (alive), `/readyz` (dependencies answer) and any extra routes on `port`. */
export async function startHealthServer(port: number, checks: HealthChecks): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const reply = (status: number, body: string, type = 'application/json'): void => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    if (path === '/healthz') return reply(200, '{"status":"ok"}');
    if (path === '/readyz') {
      checks.ready().then(
        (ok) => reply(ok ? 200 : 503, JSON.stringify({ status: ok ? 'ready' : 'not_ready' })),
        () => reply(503, '{"status":"not_ready"}'),
      );
      return;
    }
    const route = checks.routes?.[path];
    if (route) {
      route().then(
        (r) => reply(200, r.body, r.contentType),
        () => reply(500, '{"error":"unavailable"}'),
      );
      return;
    }
    reply(404, '{"error":"not_found"}');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}
