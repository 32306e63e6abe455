import type { IntegrationEntity, IntegrationSyncEntity } from '@trustsync/db';
import { snakeKeys } from '../http/snake-case';

/**
 * What the API shows of an integration: every column in snake_case except the sealed secrets,
 * which only ever appear as masked hints (`credential_hints`, `webhook_secret_hint`).
 */
export function integrationView(entity: IntegrationEntity): Record<string, unknown> {
  const { credentialsSealed, webhookSecretSealed, ...visible } = entity;
  return snakeKeys(visible);
}

/** What the API shows of a sync; the resume checkpoint is internal to the worker. */
export function syncView(sync: IntegrationSyncEntity): Record<string, unknown> {
  const { checkpoint, ...visible } = sync;
  return snakeKeys(visible);
}
