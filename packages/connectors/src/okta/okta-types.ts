/** Okta user as `GET /api/v1/users` returns it; Okta may omit null properties and add new ones. */
export interface OktaUser {
  id: string;
  status: string;
  created?: string;
  activated?: string | null;
  statusChanged?: string | null;
  lastLogin?: string | null;
  lastUpdated?: string;
  profile?: {
    login?: string;
    email?: string | null;
    firstName?: string | null;
    lastName?: string | null;
    department?: string | null;
    title?: string | null;
  };
  credentials?: { provider?: { type?: string; name?: string } };
}

/** Okta group as `GET /api/v1/groups` returns it. */
export interface OktaGroup {
  id: string;
  type: string;
  profile?: { name?: string; description?: string | null };
}

/** One user link of a device (`_embedded.users[]` or `GET /devices/{id}/users`). */
export interface OktaDeviceUser {
  managementStatus?: string;
  screenLockType?: string;
  created?: string;
  user?: { id: string; profile?: { email?: string | null; login?: string } };
}

/** Okta Verify-registered device as `GET /api/v1/devices` returns it. */
export interface OktaDevice {
  id: string;
  status: string;
  created?: string;
  lastUpdated?: string;
  profile?: {
    displayName?: string;
    platform?: string;
    manufacturer?: string;
    model?: string;
    osVersion?: string;
    serialNumber?: string | null;
    registered?: boolean;
    diskEncryptionType?: string;
    managed?: boolean;
  };
  _embedded?: { users?: OktaDeviceUser[] };
}

/** Okta policy (`GET /api/v1/policies?type=…`). */
export interface OktaPolicy {
  id: string;
  type: string;
  name: string;
  description?: string | null;
  status?: string;
  system?: boolean;
}

/** Okta device assurance policy (`GET /api/v1/device-assurances`). */
export interface OktaDeviceAssurance {
  id: string;
  name: string;
  platform?: string;
  osVersion?: { minimum?: string };
}

/** One System Log event; event hook deliveries carry the same shape in `data.events[]`. */
export interface OktaLogEvent {
  uuid: string;
  published: string;
  eventType: string;
  displayMessage?: string | null;
  severity?: string;
  actor?: { id?: string; type?: string; alternateId?: string; displayName?: string };
  outcome?: { result?: string; reason?: string | null };
  target?: Array<{ id?: string; type?: string; alternateId?: string; displayName?: string }> | null;
}

/** Okta's error envelope; only `errorCode` is stable enough to branch on. */
export interface OktaErrorBody {
  errorCode?: string;
  errorSummary?: string;
  errorId?: string;
}
