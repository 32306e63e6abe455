import type { IntegrationType, Severity } from '@trustsync/model';

/** One open or closed detection on the device, from any vendor. */
export interface DetectionSignal {
  id: string;
  severity: Severity | string | null;
  status: string | null;
  detectedAt: string | null;
}

/** Everything the platform knows about one device, correlated across vendors; no I/O behind it. */
export interface PostureSignals {
  deviceId: string;
  status: string;
  platform: string | null;
  osName: string | null;
  osVersion: string | null;
  filevaultEnabled: boolean | null;
  sipEnabled: boolean | null;
  firewallEnabled: boolean | null;
  gatekeeperEnabled: boolean | null;
  lastSeenAt: string | null;
  /** Vendors with an active mapping for this device. */
  reportedBy: IntegrationType[];
  /** Vendors configured at all in this deployment (an EDR check only applies when an EDR is). */
  configuredVendors: IntegrationType[];
  detections: DetectionSignal[];
}
