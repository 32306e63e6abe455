import { randomUUID, sign } from 'node:crypto';

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/** Signs a compact RS256 JWT with a PEM private key (client assertions and Security Event Tokens). */
export function signJwt(header: Record<string, unknown>, payload: Record<string, unknown>, privateKeyPem: string): string {
  const input = `${base64url(JSON.stringify({ alg: 'RS256', ...header }))}.${base64url(JSON.stringify(payload))}`;
  const signature = sign('sha256', Buffer.from(input), privateKeyPem);
  return `${input}.${base64url(signature)}`;
}

/** The `private_key_jwt` client assertion for Okta's token endpoint (lifetime under Okta's 1 h cap). */
export function clientAssertion(clientId: string, tokenUrl: string, privateKeyPem: string, keyId: string | undefined, nowMs: number): string {
  const iat = Math.floor(nowMs / 1000);
  return signJwt(keyId ? { kid: keyId } : {}, { iss: clientId, sub: clientId, aud: tokenUrl, iat, exp: iat + 300, jti: randomUUID() }, privateKeyPem);
}
