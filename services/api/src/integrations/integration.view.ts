import { freshnessOf, type IntegrationEntity, type IntegrationSyncEntity } from '@trustsync/db';
import { snakeKeys } from '../http/snake-case';

/**
 * What the API shows of an integration: every column in snake_case except the sealed secrets,
 * which only ever appear as masked hints (`credential_hints`, `webhook_secret_hint`), plus how
 * stale its data is (`freshness`).
 */
export function integrationView(entity: IntegrationEntity): Record<string, unknown> {
  const { credentialsSealed, webhookSecretSealed, ...visible } = entity;
  // One argument only: the view is passed straight to Array#map.
  return { ...snakeKeys(visible), freshness: snakeKeys(freshnessOf(entity, new Date())) };
}

/** What the API shows of a sync; the resume checkpoint is internal to the worker. */
export function syncView(sync: IntegrationSyncEntity): Record<string, unknown> {
  const { checkpoint, ...visible } = sync;
  return snakeKeys(visible);
}
