import type { IntegrationType } from '@trustsync/model';
import { crowdstrikeEffects } from './crowdstrike.effects';
import type { EffectInterpreter } from './event-effect';
import { oktaEffects } from './okta.effects';
import { seraphicEffects } from './seraphic.effects';
import { zscalerEffects } from './zscaler.effects';

/** How each vendor's events change the platform; Kandji has no webhooks, so its events are only kept. */
export const EVENT_EFFECTS: Record<IntegrationType, EffectInterpreter> = {
  okta: oktaEffects,
  crowdstrike: crowdstrikeEffects,
  seraphic: seraphicEffects,
  zscaler: zscalerEffects,
  kandji: () => ({ kind: 'record', reason: 'Kandji has no webhook events to apply' }),
};
