import express, { type Request, type Response, type Router } from 'express';
import type { KandjiPosture, KandjiTenant, SimDevice } from './tenant';

const POSTURE_KEYS: ReadonlyArray<keyof KandjiPosture> = ['filevault', 'sip', 'firewall', 'gatekeeper'];

/** Test controls under `/_sandbox/kandji` (the sandbox parses JSON bodies before this router). */
export function kandjiAdminRouter(t: KandjiTenant, audit: (action: string, targetType: string, targetId: string, newState: Record<string, unknown>) => void): Router {
  const router = express.Router();

  const withSerial = (handler: (req: Request, res: Response, d: SimDevice) => void) => (req: Request, res: Response) => {
    const d = t.bySerial(String(req.params.serial));
    if (!d) return void res.status(404).json({ error: `no device with serial ${req.params.serial}` });
    handler(req, res, d);
  };

  router.post(
    '/devices/:serial/posture',
    withSerial((req, res, d) => {
      const patch: Partial<KandjiPosture> = {};
      for (const key of POSTURE_KEYS) {
        const value = req.body?.[key];
        if (value === undefined) continue;
        if (typeof value !== 'boolean') return void res.status(400).json({ error: `${key} must be a boolean` });
        patch[key] = value;
      }
      t.setPosture(d.index, patch);
      res.json({ serial: d.fleet.serial, device_id: d.id, posture: t.device(d.index).posture });
    }),
  );

  router.post(
    '/devices/:serial/remove',
    withSerial((_req, res, d) => {
      t.remove(d.index);
      audit('delete', 'device', d.id, {});
      res.json({ removed: d.fleet.serial, device_id: d.id, devices: t.deviceCount });
    }),
  );

  router.post(
    '/devices/:serial/rename',
    withSerial((req, res, d) => {
      const name = req.body?.name;
      if (typeof name !== 'string' || !name.trim()) return void res.status(400).json({ error: 'name must be a non-empty string' });
      t.rename(d.index, name);
      audit('update', 'device', d.id, { device_name: name });
      res.json({ serial: d.fleet.serial, device_id: d.id, name });
    }),
  );

  router.post('/tenant', (req, res) => {
    const devices = req.body?.devices;
    if (!Number.isInteger(devices) || devices < 0) return void res.status(400).json({ error: 'devices must be a non-negative integer' });
    t.resize(devices);
    res.json({ devices: t.deviceCount });
  });

  router.get('/commands', (_req, res) => {
    res.json(t.commands.map((c) => ({ uuid: c.uuid, device_id: c.deviceId, serial: c.serial, verb: c.verb, request_type: c.requestType, body: c.body, requested_at: new Date(c.requestedMs).toISOString(), pending: t.isPending(c) })));
  });

  return router;
}
