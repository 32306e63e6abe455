/** Compliance status in the original design's shape. */
export interface ComplianceStatus {
  is_compliant: boolean;
  compliance_score?: number | null;
  violations?: string[];
}

/** Risk score in the original design's shape. */
export interface RiskScore {
  total_risk_score: number;
  risk_level: 'low' | 'medium' | 'high' | 'critical';
  risk_factors?: string[];
}

/** One integration's entry in a push answer; `success` is set when the call waited. */
export interface PushResultEntry {
  integration_type: string;
  status: string;
  reason?: string;
  push_id?: string;
  job_id?: string;
  success?: boolean;
  error?: string | null;
}

/** The answer to a compliance or risk push: one entry per integration id. */
export interface PushOutcome {
  device_id: string;
  kind: 'compliance' | 'risk';
  state_version: number;
  state_changed: boolean;
  settled?: boolean;
  results: Record<string, PushResultEntry>;
}

/** A sync as the API shows it. */
export interface SyncView {
  id: string;
  integration_id: string;
  sync_type: string;
  status: string;
  items_processed: number;
  items_created: number;
  items_updated: number;
  error_message: string | null;
  [field: string]: unknown;
}

/** A remote command as the API shows it. */
export interface CommandView {
  id: string;
  integration_id: string;
  device_id: string;
  command: string;
  status: 'queued' | 'pending' | 'completed' | 'failed';
  vendor_reference: string | null;
  result: Record<string, unknown> | null;
  error: string | null;
  [field: string]: unknown;
}

/** A page of any list route. */
export interface PageOf<T> {
  items: T[];
  page: number;
  page_size: number;
  total: number;
}

/** A device as the inventory lists it. */
export interface DeviceView {
  id: string;
  serial_number: string | null;
  hostname: string | null;
  is_compliant: boolean | null;
  risk_level: string | null;
  [field: string]: unknown;
}
