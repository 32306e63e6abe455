import type { DeviceRecord, UserRecord } from './records';

// Values vendors put in the serial field when there is no real serial.
const PLACEHOLDER_SERIALS = new Set(['', 'UNKNOWN', 'NONE', 'NULL', 'N/A', 'NA', '0', 'DEFAULT STRING', 'TO BE FILLED BY O.E.M.', 'SYSTEM SERIAL NUMBER']);

/** Upper-cased serial without spaces, dashes or dots; null for a placeholder. */
export function normaliseSerial(serial: string | null | undefined): string | null {
  if (!serial) return null;
  const trimmed = serial.trim().toUpperCase();
  if (PLACEHOLDER_SERIALS.has(trimmed)) return null;
  const s = trimmed.replace(/[\s.\-_:]/g, '');
  return s.length >= 4 ? s : null;
}

/** Lower-cased, trimmed email; null when it is not one. */
export function normaliseEmail(email: string | null | undefined): string | null {
  if (!email) return null;
  const e = email.trim().toLowerCase();
  return /^[^@\s]+@[^@\s]+$/.test(e) ? e : null;
}

/**
 * The key that makes two vendors' records one platform device: the normalised serial number,
 * else a key private to the reporting integration (the device then stays unmerged).
 */
export function deviceCorrelationKey(integrationId: string, d: Pick<DeviceRecord, 'serialNumber' | 'externalId'>): string {
  const serial = normaliseSerial(d.serialNumber);
  return serial ? `serial:${serial}` : `src:${integrationId}:${d.externalId}`;
}

/** Users correlate by lower-cased email, else stay private to their integration. */
export function userCorrelationKey(integrationId: string, u: Pick<UserRecord, 'email' | 'externalId'>): string {
  const email = normaliseEmail(u.email);
  return email ? `email:${email}` : `src:${integrationId}:${u.externalId}`;
}

/** Policies and detections never merge across integrations. */
export function sourceKey(integrationId: string, externalId: string): string {
  return `src:${integrationId}:${externalId}`;
}
