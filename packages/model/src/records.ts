/** Vendors TrustSync integrates with; the `integration_type` of an integration. */
export const INTEGRATION_TYPES = ['kandji', 'zscaler', 'seraphic', 'okta', 'crowdstrike'] as const;
export type IntegrationType = (typeof INTEGRATION_TYPES)[number];

/** Platform entity kinds a connector can pull. */
export const ENTITY_TYPES = ['device', 'user', 'policy', 'detection'] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

/** Lifecycle of a platform device as the vendors report it. */
export type DeviceStatus = 'active' | 'stale' | 'retired' | 'removed';

/** Security posture fields; `null` means the vendor does not report it for this device. */
export interface DevicePosture {
  filevaultEnabled?: boolean | null;
  sipEnabled?: boolean | null;
  firewallEnabled?: boolean | null;
  gatekeeperEnabled?: boolean | null;
}

/** One device as one vendor reports it, already normalised. */
export interface DeviceRecord extends DevicePosture {
  externalId: string;
  name: string | null;
  serialNumber: string | null;
  hostname: string | null;
  platform: string | null;
  osName: string | null;
  osVersion: string | null;
  model: string | null;
  primaryUserEmail: string | null;
  lastSeenAt: string | null;
  enrolledAt: string | null;
  managed: boolean | null;
  agentInstalled: boolean | null;
  status: DeviceStatus;
  /** Vendor policy / blueprint / group the device belongs to. */
  policyRef: string | null;
  tags: string[];
}

/** A patch to devices already pulled, e.g. Kandji's Prism security categories. */
export interface DevicePostureRecord extends DevicePosture {
  externalId: string;
}

/** One identity as one vendor reports it. */
export interface UserRecord {
  externalId: string;
  email: string | null;
  name: string | null;
  department: string | null;
  jobTitle: string | null;
  active: boolean;
  /** Where the vendor got the user from (an IdP name), when it says. */
  source: string | null;
  /** Group names the vendor reports (Okta); kept in the mapping's per-source attributes. */
  groups?: string[];
  /** The vendor's own lifecycle word (Okta `DEPROVISIONED`, …), kept in the per-source attributes. */
  vendorStatus?: string | null;
}

/** One policy (a blueprint, a URL filtering rule, a prevention policy…). */
export interface PolicyRecord {
  externalId: string;
  name: string;
  policyType: string;
  description: string | null;
  enabled: boolean | null;
  deviceCount: number | null;
}

export type Severity = 'informational' | 'low' | 'medium' | 'high' | 'critical';

/** One threat detection or alert. */
export interface DetectionRecord {
  externalId: string;
  title: string;
  severity: Severity;
  status: string;
  classification: string | null;
  /** The vendor's id of the device it concerns, resolved to a platform device through mappings. */
  deviceExternalId: string | null;
  detectedAt: string | null;
  description: string | null;
}

/** What a pull stream yields, by the entity it writes. */
export interface RecordByEntity {
  device: DeviceRecord;
  user: UserRecord;
  policy: PolicyRecord;
  detection: DetectionRecord;
}
