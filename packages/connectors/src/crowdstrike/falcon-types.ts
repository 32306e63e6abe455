/** Falcon's envelope around every response; a 200 or 202 can still carry `errors[]`. */
export interface FalconEnvelope<T> {
  meta?: {
    trace_id?: string;
    pagination?: { offset?: number | string; limit?: number; total?: number; after?: string; expires_at?: number };
  };
  resources?: T[] | null;
  errors?: Array<{ code?: number; message?: string; id?: string }> | null;
}

/** Falcon host (`/devices/entities/devices/v2`); every field but `device_id` and `cid` may be missing. */
export interface FalconHost {
  device_id: string;
  cid?: string;
  hostname?: string;
  platform_name?: string;
  os_version?: string;
  os_product_name?: string;
  product_type_desc?: string;
  serial_number?: string;
  system_product_name?: string;
  first_seen?: string;
  last_seen?: string;
  modified_timestamp?: string;
  agent_version?: string;
  status?: string;
  host_hidden_status?: string;
  reduced_functionality_mode?: string;
  last_login_user?: string;
  email?: string;
  tags?: string[];
  device_policies?: { prevention?: { policy_id?: string; applied?: boolean } };
}

/** Falcon prevention policy (`/policy/combined/prevention/v1`). */
export interface FalconPreventionPolicy {
  id: string;
  name: string;
  description?: string;
  platform_name?: string;
  enabled?: boolean;
  groups?: Array<{ id: string; name?: string }>;
}

/** Falcon alert (Alerts API v2). */
export interface FalconAlert {
  composite_id: string;
  agent_id?: string;
  device?: { device_id?: string };
  name?: string;
  display_name?: string;
  description?: string;
  severity?: number;
  severity_name?: string;
  status?: string;
  tactic?: string;
  technique?: string;
  created_timestamp?: string;
  updated_timestamp?: string;
  timestamp?: string;
}
