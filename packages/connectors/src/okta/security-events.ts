import { randomUUID } from 'node:crypto';
import { signJwt } from './jwt';

/** CAEP device compliance change, the event Okta consumes to re-evaluate device trust. */
export const DEVICE_COMPLIANCE_CHANGE = 'https://schemas.openid.net/secevent/caep/event-type/device-compliance-change';
/** Okta's own device risk event. */
export const DEVICE_RISK_CHANGE = 'https://schemas.okta.com/secevent/okta/event-type/device-risk-change';

/** Who and what a Security Event Token is about. */
export interface SetSubject {
  deviceId: string;
  userEmail: string | null;
}

/** A signed Security Event Token and the claims it carries, so a push can record exactly what was sent. */
export interface SignedSet {
  jwt: string;
  jti: string;
  eventType: string;
  event: Record<string, unknown>;
}

function subject(s: SetSubject): Record<string, unknown> {
  return { device: { format: 'opaque', id: s.deviceId }, ...(s.userEmail ? { user: { format: 'email', email: s.userEmail } } : {}) };
}

/** Builds and signs one SET (`typ: secevent+jwt`, RS256) for Okta's security events endpoint. */
export function signSecurityEvent(opts: {
  issuer: string;
  audience: string;
  keyId?: string;
  privateKeyPem: string;
  eventType: string;
  subject: SetSubject;
  claims: Record<string, unknown>;
  nowMs: number;
}): SignedSet {
  const jti = randomUUID();
  const iat = Math.floor(opts.nowMs / 1000);
  const event = { subject: subject(opts.subject), ...opts.claims, event_timestamp: iat };
  const header = { typ: 'secevent+jwt', ...(opts.keyId ? { kid: opts.keyId } : {}) };
  const jwt = signJwt(header, { iss: opts.issuer, aud: opts.audience, jti, iat, events: { [opts.eventType]: event } }, opts.privateKeyPem);
  return { jwt, jti, eventType: opts.eventType, event };
}
