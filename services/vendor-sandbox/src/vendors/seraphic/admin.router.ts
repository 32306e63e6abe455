import { createHmac } from 'node:crypto';
import express, { type Router } from 'express';
import { hexId } from '../../fleet';
import type { SeraphicTenant } from './tenant';

/** Signs as the proposed scheme says: hex HMAC-SHA256 over `timestamp + "." + rawBody`. */
function signature(secret: string, timestamp: number, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
}

/**
 * The data and time of webhook event `k` of a kind: a detection or DLP violation when it
 * happened, an endpoint going offline at its agent's last check-in.
 */
function webhookEvent(t: SeraphicTenant, kind: string, k: number): { data: Record<string, unknown>; occurredAt: string } {
  if (kind === 'dlp.violation') {
    const data = t.dlpViolation(k);
    return { data, occurredAt: String(data.occurredAt) };
  }
  if (kind === 'endpoint.offline') {
    const endpoint = t.endpoint(k % Math.max(1, t.opts.devices));
    const lastSeen = (endpoint.agent as { lastSeen: string | null }).lastSeen;
    return { data: { endpointId: endpoint.endpointId }, occurredAt: lastSeen ?? new Date(t.opts.anchorMs).toISOString().replace('.000', '') };
  }
  const data = t.detection(k);
  return { data, occurredAt: String(data.detectedAt) };
}

/** Test controls at `/_sandbox/seraphic`: pushed signals, endpoint changes, signed webhook sends. */
export function seraphicAdminRouter(t: SeraphicTenant): Router {
  const r = express.Router();
  r.get('/pushes', (_req, res) => void res.json(t.pushes));
  r.get('/endpoints/:index', (req, res) => {
    const i = Number(req.params.index);
    if (!Number.isInteger(i) || i < 0 || i >= t.opts.devices) return void res.status(404).json({ error: 'no such endpoint' });
    res.json(t.endpoint(i));
  });
  r.post('/endpoints/:index', (req, res) => {
    const i = Number(req.params.index);
    if (!Number.isInteger(i) || i < 0 || i >= t.opts.devices) return void res.status(404).json({ error: 'no such endpoint' });
    t.patch(i, (req.body ?? {}) as Record<string, unknown>);
    res.json(t.endpoint(i));
  });
  r.post('/webhooks/send', async (req, res) => {
    const b = (req.body ?? {}) as { url?: string; secret?: string; kind?: string; index?: number; timestampSkewSeconds?: number };
    if (!b.url || !b.secret) return void res.status(400).json({ error: 'url and secret are required' });
    const k = b.index ?? 0;
    const kind = b.kind ?? 'threat.detected';
    const { data, occurredAt } = webhookEvent(t, kind, k);
    // The event's id and time belong to the event, not to the send: sending it again is a re-delivery.
    const eventId = `wh_${hexId(20, t.opts.fleet.seed, 'seraphic-webhook', kind, k)}`;
    const rawBody = JSON.stringify({ eventId, eventType: kind, occurredAt, tenantId: 'tnt_sandbox', data });
    const timestamp = Math.floor(Date.now() / 1000) - (b.timestampSkewSeconds ?? 0);
    try {
      const sent = await fetch(b.url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Seraphic-Timestamp': String(timestamp), 'X-Seraphic-Signature': signature(b.secret, timestamp, rawBody) }, body: rawBody });
      res.json({ status: sent.status, eventType: kind });
    } catch (err) {
      res.status(502).json({ error: `delivery failed: ${(err as Error).message}` });
    }
  });
  return r;
}
