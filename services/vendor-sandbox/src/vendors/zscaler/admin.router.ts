import express, { type Router } from 'express';
import type { ZscalerFaults } from './api.router';
import type { ZscalerAuth } from './auth';
import type { ZscalerTenant } from './tenant';

/** One Cloud NSS web-log record for person `j`, in the JSON template the fixtures use. */
function nssRecord(t: ZscalerTenant, j: number, kind: string): Record<string, unknown> {
  const p = t.person(j);
  const blocked = kind !== 'allowed';
  const time = new Date().toUTCString().replace(/^(\w+), (\d+) (\w+) (\d+) ([\d:]+) GMT$/, '$1 $3 $2 $5 $4');
  return {
    sourcetype: 'zscalernss-web',
    event: {
      time,
      login: p.email,
      proto: 'HTTPS',
      eurl: blocked ? 'login.example-phish.test/office' : 'docs.example.com/',
      action: blocked ? 'Blocked' : 'Allowed',
      urlclass: blocked ? 'Security Risk' : 'Business Use',
      urlcat: blocked ? 'Phishing' : 'Professional Services',
      threatname: 'None',
      riskscore: blocked ? '92' : '5',
      dept: p.department,
      reqmethod: 'GET',
      respcode: blocked ? '403' : '200',
      rulelabel: blocked ? 'Block phishing' : 'Default allow',
      devicehostname: t.fleetDevice(j % Math.max(1, t.opts.devices)).hostname,
    },
  };
}

/** Test controls at `/_sandbox/zscaler`: faults, session/token expiry, pushed changes, NSS feed sends. */
export function zscalerAdminRouter(t: ZscalerTenant, auth: ZscalerAuth, faults: ZscalerFaults): Router {
  const r = express.Router();
  r.post('/zscaler-faults', (req, res) => {
    const b = (req.body ?? {}) as Partial<ZscalerFaults> & { expireSessionAfterRequests?: number };
    if (typeof b.editLock === 'number') faults.editLock = b.editLock;
    if (typeof b.activationInProgressPolls === 'number') faults.activationInProgressPolls = b.activationInProgressPolls;
    if (b.zpaTotalPagesAs === 'string' || b.zpaTotalPagesAs === 'number') faults.zpaTotalPagesAs = b.zpaTotalPagesAs;
    if (typeof b.zpaTotalCountZero === 'boolean') faults.zpaTotalCountZero = b.zpaTotalCountZero;
    if (typeof b.expireSessionAfterRequests === 'number') auth.expireSessionAfterRequests = b.expireSessionAfterRequests;
    res.json({ ...faults, expireSessionAfterRequests: auth.expireSessionAfterRequests });
  });
  r.post('/sessions/expire', (_req, res) => {
    auth.expireSessions();
    res.json({ ok: true });
  });
  r.post('/tokens/expire', (_req, res) => {
    auth.expireTokens();
    res.json({ ok: true });
  });
  r.post('/lifetimes', (req, res) => {
    const b = (req.body ?? {}) as { sessionIdleMs?: number; tokenLifetimeSeconds?: number };
    if (typeof b.sessionIdleMs === 'number') auth.sessionIdleMs = b.sessionIdleMs;
    if (typeof b.tokenLifetimeSeconds === 'number') auth.tokenLifetimeSeconds = b.tokenLifetimeSeconds;
    res.json({ sessionIdleMs: auth.sessionIdleMs, tokenLifetimeSeconds: auth.tokenLifetimeSeconds });
  });
  r.get('/logins', (_req, res) => void res.json(auth.logins));
  r.get('/pushes', (_req, res) => void res.json({ staged: t.staged, activations: t.activations, activationRequests: t.activationRequests, writes: t.writes, removals: t.removals }));
  r.get('/devices/:index', (req, res) => {
    const i = Number(req.params.index);
    if (!Number.isInteger(i) || i < 0 || i >= t.opts.devices) return void res.status(404).json({ error: 'no such device' });
    res.json({ ...t.device(i), serialNumber: t.fleetDevice(i).serial });
  });
  r.post('/webhooks/send', async (req, res) => {
    const b = (req.body ?? {}) as { url?: string; secret?: string; header?: string; kind?: string; count?: number };
    if (!b.url || !b.secret) return void res.status(400).json({ error: 'url and secret are required' });
    const header = b.header ?? 'Authorization';
    const value = header.toLowerCase() === 'authorization' ? `Bearer ${b.secret}` : b.secret;
    const records = Array.from({ length: Math.max(1, Math.min(b.count ?? 1, 500)) }, (_v, k) => nssRecord(t, k % Math.max(1, t.userCount), b.kind ?? 'blocked'));
    try {
      const sent = await fetch(b.url, { method: 'POST', headers: { 'Content-Type': 'application/json', [header]: value }, body: JSON.stringify(records) });
      res.json({ status: sent.status, records: records.length });
    } catch (err) {
      res.status(502).json({ error: `delivery failed: ${(err as Error).message}` });
    }
  });
  return r;
}
