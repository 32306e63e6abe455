/**
 * Kandji API payloads as the fixtures show them. Booleans arrive as real booleans in lists and
 * as "True"/"False" strings in details, so every flag is typed loosely and normalised in mappers.
 */

/** A flag as Kandji sends it somewhere: a boolean, a "True"/"False" string, 0/1, or null. */
export type KandjiFlag = boolean | string | number | null | undefined;

/** The `user` of a device list item; `id` is a UUID, or an integer in older tenants. */
export interface KandjiDeviceUser {
  id: string | number;
  email?: string | null;
  name?: string | null;
  is_archived?: boolean;
}

/** One item of `GET /api/v1/devices` (a bare array). */
export interface KandjiDevice {
  device_id: string;
  device_name?: string | null;
  model?: string | null;
  serial_number?: string | null;
  platform?: string | null;
  os_version?: string | null;
  supplemental_build_version?: string | null;
  supplemental_os_version_extra?: string | null;
  last_check_in?: string | null;
  /** An object, or the empty string when nobody is assigned. */
  user?: KandjiDeviceUser | '' | null;
  asset_tag?: string | null;
  blueprint_id?: string | null;
  blueprint_name?: string | null;
  mdm_enabled?: KandjiFlag;
  agent_installed?: KandjiFlag;
  is_missing?: KandjiFlag;
  is_removed?: KandjiFlag;
  agent_version?: string | null;
  first_enrollment?: string | null;
  last_enrollment?: string | null;
  lost_mode_status?: string | null;
  tags?: string[] | null;
  filevault_enabled?: KandjiFlag;
}

/** The DRF envelope of blueprints, commands and threat details. */
export interface DrfPage<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

/** One item of `GET /api/v1/blueprints`. */
export interface KandjiBlueprint {
  id: string;
  name: string;
  type?: string | null;
  description?: string | null;
  computers_count?: number | null;
}

/** One directory user of `GET /api/v1/users`. */
export interface KandjiUser {
  id: string;
  email?: string | null;
  name?: string | null;
  active?: KandjiFlag;
  archived?: KandjiFlag;
  department?: string | null;
  job_title?: string | null;
  integration?: { id?: number; name?: string | null; type?: string | null; uuid?: string } | null;
}

/** A cursor-paged answer (users, audit events): follow `next` as given. */
export interface CursorPage<T> {
  next: string | null;
  previous?: string | null;
  results: T[];
}

/** The Prism envelope; `total` is often null and `offset` sometimes null too. */
export interface PrismPage<T> {
  cursor: string | null;
  data: T[];
  limit: number | null;
  offset: number | null;
  total: number | null;
}

/** The fields of a Prism row that TrustSync reads, whatever the category. */
export interface PrismPostureRow {
  device_id: string;
  status?: KandjiFlag;
  sip?: KandjiFlag;
  gatekeeper_status?: KandjiFlag;
}

/** One item of `GET /api/v1/threat-details`: it has no id, and `detection_date` has no zone. */
export interface KandjiThreatDetail {
  device_id: string;
  file_hash: string;
  detection_date: string;
  classification: string;
  status: string;
  threat_name?: string | null;
  file_path?: string | null;
  device_serial_number?: string | null;
}

/** The envelope of `GET /api/v1/threat-details`. */
export interface ThreatDetailsPage extends DrfPage<KandjiThreatDetail> {
  malware_count?: number;
  pup_count?: number;
}

/** One item of `GET /api/v1/behavioral-detections`. */
export interface KandjiBehavioralDetection {
  id: string;
  classification: string;
  threat_status?: string | null;
  threat_id?: string | null;
  description?: string | null;
  detection_date?: string | null;
  device_info?: { id?: string | null; name?: string | null; serial_number?: string | null } | null;
}

/** The envelope of `GET /api/v1/behavioral-detections`. */
export interface BehavioralDetectionsPage {
  results: KandjiBehavioralDetection[];
  next: string | null;
  previous: string | null;
  total_count?: number;
  malicious_count?: number;
  suspicious_count?: number;
}

/** One MDM command in `GET /api/v1/devices/{id}/commands`; `status` is an undocumented integer. */
export interface KandjiCommand {
  uuid: string;
  command_type?: string | null;
  request_type?: string | null;
  status: number;
  date_requested?: string | null;
  date_completed?: string | null;
  error_chain?: unknown[];
}

/** The answer of `GET /api/v1/devices/{id}/commands`. */
export interface DeviceCommandsResponse {
  device_id: string;
  commands: DrfPage<KandjiCommand>;
}

/** The answer of `POST /api/v1/devices/{id}/action/{verb}`: usually empty, `{PIN}` for a Mac lock. */
export interface ActionResponse {
  PIN?: string;
}
