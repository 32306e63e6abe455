import type { SandboxVendorFactory } from '../sandbox-vendor';
import { kandjiSandbox } from './kandji';
import { oktaSandbox } from './okta';
import { crowdstrikeSandbox } from './crowdstrike';
import { zscalerSandbox } from './zscaler';
import { seraphicSandbox } from './seraphic';

/** Every vendor simulator, by integration type. */
export const SANDBOX_VENDORS = {
  kandji: kandjiSandbox,
  okta: oktaSandbox,
  crowdstrike: crowdstrikeSandbox,
  zscaler: zscalerSandbox,
  seraphic: seraphicSandbox,
} satisfies Record<string, SandboxVendorFactory>;

export type SandboxVendorName = keyof typeof SANDBOX_VENDORS;
