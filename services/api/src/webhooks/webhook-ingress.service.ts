import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { Batcher, NotFoundError } from '@trustsync/core';
import type { ParsedWebhookEvent, WebhookDelivery, WebhookScheme } from '@trustsync/connectors';
import {
  addWebhookDuplicates,
  findWebhookIntegration,
  newEventFromParsed,
  newUnparsedEvent,
  openWebhookSecret,
  recordDeliveries,
  recordWebhookRejection,
  type DeliveryEvents,
  type IntegrationEntity,
  type RecordedEvents,
} from '@trustsync/db';
import { enqueueWebhookEvents } from '@trustsync/queue';
import type { IntegrationType } from '@trustsync/model';
import type { ApiContext } from '../api-context';
import { HttpInputError } from '../http/api-error';
import { nestedDeeperThan } from '../http/input.validator';
import { withDeadline } from '../http/deadline';
import type { ErrorBody } from '../http/error.middleware';
import { EnqueuedMarks } from './enqueued-marks';
import { FixedWindowLimiter } from './fixed-window.limiter';
import type { WebhookIngressOptions } from './webhook-ingress.options';

/** What the route sends back: a status, a JSON body, and headers such as Retry-After. */
export interface IngressAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const TARGET_CACHE_MAX = 10_000;

// Vendor payloads nest a handful of levels; far deeper ones would overflow the stack when stored.
const MAX_BODY_DEPTH = 64;

interface Target {
  integration: IntegrationEntity;
  scheme: WebhookScheme;
  secret: string;
}

function errorAnswer(status: number, code: string, message: string, headers?: Record<string, string>): IngressAnswer {
  const body: ErrorBody = { error: { code, message } };
  return { status, body, headers };
}

function deliveryOf(req: Request): WebhookDelivery {
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  const query: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.query)) query[k] = typeof v === 'string' ? v : undefined;
  return { method: req.method, headers, query, rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0) };
}

/**
 * The webhook ingress: finds the integration a URL names, verifies the delivery against the raw
 * body with the vendor's scheme, commits its events to Postgres and only then answers 2xx; the
 * enqueue that follows may fail, because the outbox sweeper enqueues what it missed. Deliveries
 * that arrive while a commit is under way are committed together in the next one (one INSERT), and
 * their jobs are enqueued together the same way (one addBulk), which is what lets one process accept
 * over a thousand a second. A slow Redis holds up answers, never commits.
 */
export class WebhookIngress {
  private readonly perIntegration: FixedWindowLimiter;
  private readonly rejectionsPerSource: FixedWindowLimiter;
  private readonly marks: EnqueuedMarks;
  private readonly commits = new Batcher<DeliveryEvents, RecordedEvents | { error: unknown }>((batch) => this.commit(batch), 500);
  private readonly enqueues = new Batcher<string[], void>(async (batch) => {
    await this.enqueue(batch.flat());
    return batch.map(() => undefined);
  }, 500);
  // Integration and opened secret per id, briefly: a settings change reaches the ingress within targetCacheMs.
  private readonly targets = new Map<string, { target: Target; expiresAtMs: number }>();

  constructor(
    private readonly ctx: ApiContext,
    private readonly options: WebhookIngressOptions,
  ) {
    this.perIntegration = new FixedWindowLimiter(options.ingressLimit, options.ingressWindowMs);
    this.rejectionsPerSource = new FixedWindowLimiter(options.rejectionLimit, options.rejectionWindowMs);
    this.marks = new EnqueuedMarks(ctx.dataSource, ctx.logger);
  }

  /** Handles a POST delivery. */
  async receive(req: Request, id: string): Promise<IngressAnswer> {
    const capped = this.perIntegration.take(id);
    if (!capped.ok) return errorAnswer(429, 'rate_limited', 'too many deliveries for this webhook; retry later', { 'retry-after': String(capped.retryAfterSeconds) });
    const target = await this.target(id);
    const delivery = deliveryOf(req);
    const verdict = target.scheme.verify(delivery, target.secret, target.integration.settings, this.ctx.now());
    if (!verdict.ok) return this.reject(req, target, delivery, verdict.reason);

    let body: unknown;
    try {
      body = JSON.parse(delivery.rawBody.toString('utf8'));
    } catch {
      throw new HttpInputError('invalid_json', 'the delivery body is not valid JSON');
    }
    if (nestedDeeperThan(body, MAX_BODY_DEPTH)) throw new HttpInputError('bad_request', `the delivery body is nested deeper than ${MAX_BODY_DEPTH} levels`);
    let parsed: ParsedWebhookEvent[] | undefined;
    let parseError: string | undefined;
    try {
      parsed = target.scheme.parse(body);
    } catch (err) {
      parseError = err instanceof Error ? err.message : String(err);
    }
    const events = parsed ? parsed.map(newEventFromParsed) : [newUnparsedEvent(body, parseError ?? 'unparseable')];
    // The commit: when this throws (Postgres down) the error middleware answers 503 and the vendor retries.
    const committed = await this.commits.submit({ integrationId: target.integration.id, events });
    if ('error' in committed) throw committed.error;
    const { accepted, duplicates } = committed;
    if (accepted.length > 0) await this.enqueues.submit(accepted);
    if (duplicates > 0) await this.countDuplicates(target.integration.id, duplicates);
    return { status: accepted.length > 0 ? 202 : 200, body: { accepted: accepted.length, duplicates, event_ids: accepted } };
  }

  /** Handles a GET: the vendor's one-time verification challenge (Okta), or the same 404 as an unknown id. */
  async challenge(req: Request, id: string): Promise<IngressAnswer> {
    const target = await this.target(id);
    const delivery = deliveryOf(req);
    const answer = target.scheme.challenge?.(delivery, target.secret, target.integration.settings);
    if (!answer) throw this.notFound(id);
    if (answer.status === 401) return this.reject(req, target, delivery, 'verification challenge with a wrong secret');
    return { status: answer.status, body: answer.body };
  }

  /** The integration behind a webhook URL; unknown, disabled and webhook-less ones look the same. */
  private async target(id: string): Promise<Target> {
    const cached = this.targets.get(id);
    if (cached && cached.expiresAtMs > Date.now()) return cached.target;
    const target = await this.loadTarget(id);
    // Only known ids are cached, so ids an attacker invents cannot grow the map past this bound.
    if (this.targets.size >= TARGET_CACHE_MAX) this.targets.clear();
    this.targets.set(id, { target, expiresAtMs: Date.now() + this.options.targetCacheMs });
    return target;
  }

  private async loadTarget(id: string): Promise<Target> {
    const integration = await findWebhookIntegration(this.ctx.dataSource, id);
    const vendor = integration ? this.ctx.vendors[integration.integrationType as IntegrationType] : undefined;
    // Kandji has no webhook scheme (no public Kandji webhook exists), so it lands here too.
    if (!integration || !integration.enabled || !integration.webhookEnabled || !vendor?.webhooks || !integration.webhookSecretSealed) throw this.notFound(id);
    const secret = openWebhookSecret(integration, this.ctx.secretBox);
    if (!secret) throw this.notFound(id);
    return { integration, scheme: vendor.webhooks, secret };
  }

  private notFound(id: string): NotFoundError {
    return new NotFoundError('webhook endpoint', id);
  }

  /** Logs a refused delivery (without its body or header values) unless its source is over its budget. */
  private async reject(req: Request, target: Target, delivery: WebhookDelivery, reason: string): Promise<IngressAnswer> {
    const source = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const budget = this.rejectionsPerSource.take(source);
    if (!budget.ok) return errorAnswer(429, 'rate_limited', 'too many rejected deliveries from this address; retry later', { 'retry-after': String(budget.retryAfterSeconds) });
    await recordWebhookRejection(this.ctx.dataSource, {
      integrationId: target.integration.id,
      sourceIp: source,
      reason,
      bodySha256: createHash('sha256').update(delivery.rawBody).digest('hex'),
      bodyBytes: delivery.rawBody.length,
      headerNames: Object.keys(delivery.headers).sort(),
    });
    this.ctx.logger.warn('webhook delivery rejected', { integrationId: target.integration.id, source, reason });
    return errorAnswer(401, 'unauthorized', 'the delivery could not be authenticated');
  }

  /**
   * Best effort: the events are already committed, and a 503 now would make the vendor resend
   * them, so a failure is logged and the figure is short by this delivery.
   */
  private async countDuplicates(integrationId: string, duplicates: number): Promise<void> {
    try {
      await addWebhookDuplicates(this.ctx.dataSource, integrationId, duplicates);
    } catch (err) {
      this.ctx.logger.warn('webhook duplicates not counted', { integrationId, duplicates, err });
    }
  }

  /**
   * Commits a batch of deliveries in one statement. When that fails and the batch holds several,
   * each is committed on its own, so a delivery Postgres refuses (a value jsonb rejects) gets its
   * error alone instead of failing every other delivery of its batch.
   */
  private async commit(batch: DeliveryEvents[]): Promise<Array<RecordedEvents | { error: unknown }>> {
    try {
      return await recordDeliveries(this.ctx.dataSource, batch);
    } catch (err) {
      if (batch.length === 1) return [{ error: err }];
      return Promise.all(batch.map((d) => recordDeliveries(this.ctx.dataSource, [d]).then(([r]) => r, (error: unknown) => ({ error }))));
    }
  }

  /** Best effort: a failure leaves the events in the outbox, where the sweeper finds them. */
  private async enqueue(eventIds: string[]): Promise<void> {
    try {
      await withDeadline(enqueueWebhookEvents(this.ctx.webhookQueue, eventIds), this.options.enqueueTimeoutMs, 'webhook enqueue');
    } catch (err) {
      this.ctx.logger.warn('webhook events stored but not enqueued; the outbox sweeper will enqueue them', { events: eventIds.length, err });
      return;
    }
    this.marks.add(eventIds);
  }
}
