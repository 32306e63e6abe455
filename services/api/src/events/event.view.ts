import type { StoredEvent, WebhookRejection, WebhookStatus } from '@trustsync/db';
import { snakeKeys } from '../http/snake-case';

/** What the API shows of an event: every column in snake_case (the list leaves the payload out). */
export function eventView(event: StoredEvent | Omit<StoredEvent, 'payload'>): Record<string, unknown> {
  return snakeKeys(event);
}

/** What the API shows of a rejected delivery. */
export function rejectionView(r: WebhookRejection): Record<string, unknown> {
  return snakeKeys(r);
}

/** What the API shows of an integration's webhook health. */
export function webhookStatusView(s: WebhookStatus): Record<string, unknown> {
  return snakeKeys(s);
}
