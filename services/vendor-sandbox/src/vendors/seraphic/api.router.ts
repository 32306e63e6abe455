import express, { type Request, type Response, type Router } from 'express';
import type { SeraphicTenant } from './tenant';

function cursorOffset(raw: unknown): number | undefined {
  if (raw === undefined) return 0;
  const m = typeof raw === 'string' ? /^cursor:(\d+)$/.exec(Buffer.from(raw, 'base64url').toString('utf8')) : null;
  return m ? Number(m[1]) : undefined;
}

function cursorFor(offset: number): string {
  return Buffer.from(`cursor:${offset}`).toString('base64url');
}

/** `{data, pagination}` with an opaque cursor and `limit` capped at 100. */
function paged(req: Request, res: Response, ids: number[] | number, item: (k: number) => Record<string, unknown>): void {
  const offset = cursorOffset(req.query.cursor);
  if (offset === undefined) return void res.status(400).json({ error: 'invalid_cursor', message: 'cursor is not valid' });
  const limit = Math.min(Math.max(1, Number(req.query.limit) || 100), 100);
  const total = typeof ids === 'number' ? ids : ids.length;
  const slice: Array<Record<string, unknown>> = [];
  for (let n = offset; n < Math.min(total, offset + limit); n++) slice.push(item(typeof ids === 'number' ? n : ids[n]));
  const hasMore = offset + limit < total;
  res.json({ data: slice, pagination: { limit, nextCursor: hasMore ? cursorFor(offset + limit) : null, hasMore } });
}

function timeParam(v: unknown, fallback: number): number | undefined {
  if (v === undefined) return fallback;
  const t = typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isNaN(t) ? undefined : t;
}

/** The proposed Seraphic REST API and the Sentinel-style feed, behind one API-key header. */
export function seraphicApiRouter(t: SeraphicTenant, auth: { header: string; apiKey: string }): Router {
  const r = express.Router();
  r.use(express.json());
  r.use((req, res, next) => {
    if (req.get(auth.header) === auth.apiKey) return next();
    res.status(401).json({ error: 'unauthorized', message: `missing or invalid ${auth.header}` });
  });
  const windowOf = (req: Request, res: Response): [number, number] | undefined => {
    const from = timeParam(req.query.from, 0);
    const to = timeParam(req.query.to, Date.now());
    if (from === undefined || to === undefined) return void res.status(400).json({ error: 'invalid_time', message: 'from/to must be yyyy-MM-ddTHH:mm:ssZ' });
    return [from, to];
  };

  r.get('/api/v1/endpoints', (req, res) => paged(req, res, t.opts.devices, (i) => t.endpoint(i)));
  r.get('/api/v1/endpoints/:id', (req, res) => {
    const i = t.indexOf(req.params.id);
    if (i === undefined) return void res.status(404).json({ error: 'not_found', message: 'endpoint not found' });
    res.json(t.endpoint(i));
  });
  r.post('/api/v1/endpoints/:id/risk', (req, res) => {
    const i = t.indexOf(req.params.id);
    if (i === undefined) return void res.status(404).json({ error: 'not_found', message: 'endpoint not found' });
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (typeof body.source !== 'string' || (body.riskScore === undefined && typeof body.compliant !== 'boolean')) return void res.status(400).json({ error: 'invalid_request', message: 'source and riskScore or compliant are required' });
    const risky = (typeof body.riskScore === 'number' && body.riskScore >= 70) || body.compliant === false;
    const appliedPolicyId = risky ? 'pol_high_risk' : String(t.endpoint(i).policyId ?? 'pol_default_corp');
    t.pushes.push({ at: new Date().toISOString(), endpointId: req.params.id, body, appliedPolicyId });
    res.json({ endpointId: req.params.id, accepted: true, appliedPolicyId });
  });
  r.get('/api/v1/users', (req, res) => paged(req, res, t.opts.people, (j) => t.user(j)));
  r.get('/api/v1/policies', (_req, res) => void res.json({ data: [0, 1, 2, 3].map((k) => t.policy(k)) }));
  r.get('/api/v1/detections', (req, res) => {
    const w = windowOf(req, res);
    if (w) paged(req, res, t.inWindow(t.opts.detections, w[0], w[1]), (k) => t.detection(k));
  });
  r.get('/api/v1/dlp-violations', (req, res) => {
    const w = windowOf(req, res);
    if (w) paged(req, res, t.inWindow(t.opts.dlpViolations, w[0], w[1], 30_000), (k) => t.dlpViolation(k));
  });
  r.get('/integrations/sentinel/feed', (req, res) => {
    const w = windowOf(req, res);
    if (!w) return;
    const alerts = t.inWindow(t.opts.detections, w[0], w[1]).map((k) => {
      const d = t.detection(k);
      return { bd_type: 'Alert', bd_id: `alr_${String(d.detectionId).slice(4)}`, bd_time: d.detectedAt, bd_user: d.userEmail, bd_device: t.endpoint((k * 7) % Math.max(1, t.opts.devices)).hostname, bd_browser: 'Chrome 136.0.7103.93', bd_url: d.url, bd_action: d.actionTaken, bd_category: d.type, bd_severity: d.severity };
    });
    const event = { bd_type: 'Event', bd_id: `evt_${w[0]}`, bd_time: new Date(w[0]).toISOString().replace('.000', ''), bd_user: t.user(0).email, bd_device: t.endpoint(0).hostname, bd_url: 'https://docs.example.com/', bd_action: 'allowed', bd_category: 'navigation' };
    res.json([event, ...alerts]);
  });
  return r;
}
