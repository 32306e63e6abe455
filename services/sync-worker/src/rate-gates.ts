import type { SecretBox } from '@trustsync/core';
import { openCredentials, type IntegrationEntity } from '@trustsync/db';
import { IntegrationRateGates, type RateGateFactory, type RateLimitedIntegration } from '@trustsync/queue';

/** The sync worker's gates: the shared per-tenant budgets, with the OAuth client id read from the sealed credentials. */
export class RateGates extends IntegrationRateGates {
  constructor(factory?: RateGateFactory, secretBox?: SecretBox) {
    super(factory, (i: RateLimitedIntegration) => (secretBox ? openCredentials(i as IntegrationEntity, secretBox).client_id ?? null : null));
  }
}
