import { createHmac } from 'node:crypto';
import express, { type Router } from 'express';
import type { SeraphicTenant } from './tenant';

/** Signs as the proposed scheme says: hex HMAC-SHA256 over `timestamp + "." + rawBody`. */
function signature(secret: string, timestamp: number, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
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
    const data = kind === 'dlp.violation' ? t.dlpViolation(k) : kind === 'endpoint.offline' ? { endpointId: t.endpointId(k % Math.max(1, t.opts.devices)) } : t.detection(k);
    const rawBody = JSON.stringify({ eventId: `wh_${kind}_${k}_${Date.now()}`, eventType: kind, occurredAt: new Date().toISOString().replace(/\.\d{3}/, ''), tenantId: 'tnt_sandbox', data });
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
