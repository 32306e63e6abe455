import express, { Router, type Response } from 'express';
import type { ApiContext } from '../api-context';
import { WebhookIngress, type IngressAnswer } from './webhook-ingress.service';
import { resolveIngressOptions } from './webhook-ingress.options';

function send(res: Response, answer: IngressAnswer): void {
  for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
  res.status(answer.status).json(answer.body);
}

/**
 * `POST /:id` (deliveries) and `GET /:id` (Okta's verification challenge), to be mounted at
 * `/api/v1/integrations/webhooks` before the global JSON parser: signatures cover the raw bytes,
 * so this route reads the body itself, whatever its content type.
 */
export function webhookIngressRouter(ctx: ApiContext): Router {
  const options = resolveIngressOptions(ctx.webhookIngress);
  const ingress = new WebhookIngress(ctx, options);
  const router = Router();

  router.post('/:id', express.raw({ type: () => true, limit: options.bodyLimit }), async (req, res) => {
    send(res, await ingress.receive(req, req.params.id));
  });

  router.get('/:id', async (req, res) => {
    send(res, await ingress.challenge(req, req.params.id));
  });

  return router;
}
