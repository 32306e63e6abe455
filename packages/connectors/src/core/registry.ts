import type { ConnectorFactory, ConnectorManifest } from './connector';
import type { WebhookScheme } from './webhook';

/** Everything one vendor folder contributes. */
export interface VendorModule {
  manifest: ConnectorManifest;
  create: ConnectorFactory;
  /** class-validator class for the integration's `settings` object. */
  settingsClass?: new () => object;
  webhooks?: WebhookScheme;
}
