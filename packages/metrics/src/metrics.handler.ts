import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TrustSyncMetrics } from './metrics.registry';

/** `GET /metrics` for express (or plain node:http): the exposition text, or 503 when a collector fails. */
export function metricsHandler(metrics: TrustSyncMetrics): (req: IncomingMessage, res: ServerResponse) => void {
  return (_req, res) => {
    metrics.render().then(
      ({ contentType, body }) => {
        res.writeHead(200, { 'content-type': contentType });
        res.end(body);
      },
      () => {
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end('{"error":{"code":"unavailable","message":"metrics could not be collected"}}');
      },
    );
  };
}

/** The `/metrics` route of a worker's health server (`routes: { '/metrics': metricsRoute(metrics) }`). */
export function metricsRoute(metrics: TrustSyncMetrics): () => Promise<{ contentType: string; body: string }> {
  return () => metrics.render();
}
