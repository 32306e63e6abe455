import { randomBytes } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { ZscalerSandboxCredentials } from './tenant';

/** Which login a bearer token came from; a token only opens its own product. */
export type TokenKind = 'zpa' | 'zcc' | 'oneapi';

/** What the simulator checks a ZIA login against: the key ZIA expects for this millisecond timestamp. */
export function ziaExpectedKey(apiKey: string, timestampMs: number): string {
  const digits = String(timestampMs).slice(-6).split('').map(Number);
  const shifted = String(Math.floor(Number(digits.join('')) / 2)).padStart(6, '0').split('').map(Number);
  return [...digits.map((d) => apiKey.charAt(d)), ...shifted.map((d) => apiKey.charAt(d + 2))].join('');
}

/** Sessions and tokens the simulator has issued, with the lifetimes tests can shorten. */
export class ZscalerAuth {
  private readonly sessions = new Map<string, number>();
  private readonly tokens = new Map<string, { kind: TokenKind; expiresAt: number }>();
  /** After this many more ZIA calls every session is dropped (a session that expires mid-sync). */
  expireSessionAfterRequests: number | null = null;
  logins = { zia: 0, zpa: 0, zcc: 0, oneapi: 0 };

  constructor(
    readonly creds: ZscalerSandboxCredentials,
    public sessionIdleMs: number,
    public tokenLifetimeSeconds: number,
  ) {}

  /** Checks a ZIA login body: obfuscated key, same millisecond timestamp within 10 minutes of now, user and password. */
  ziaLogin(body: Record<string, unknown>): string | undefined {
    const ts = Number(body.timestamp);
    const fresh = Number.isFinite(ts) && Math.abs(Date.now() - ts) < 600_000;
    const ok = fresh && body.apiKey === ziaExpectedKey(this.creds.ziaApiKey, ts) && body.username === this.creds.ziaUsername && body.password === this.creds.ziaPassword;
    if (!ok) return undefined;
    this.logins.zia++;
    const id = randomBytes(16).toString('hex').toUpperCase();
    this.sessions.set(id, Date.now());
    return id;
  }

  logout(id: string | undefined): void {
    if (id) this.sessions.delete(id);
  }

  /** Issues a token; `shape` dresses the random part (ZCC hands out a JWT). */
  issue(kind: TokenKind, shape: (raw: string, expiresInSeconds: number) => string = (raw) => raw): { token: string; expiresInSeconds: number } {
    this.logins[kind]++;
    const token = shape(`${kind}.${randomBytes(18).toString('base64url')}`, this.tokenLifetimeSeconds);
    this.tokens.set(token, { kind, expiresAt: Date.now() + this.tokenLifetimeSeconds * 1000 });
    return { token, expiresInSeconds: this.tokenLifetimeSeconds };
  }

  expireSessions(): void {
    this.sessions.clear();
  }

  expireTokens(): void {
    this.tokens.clear();
  }

  /** True when the cookie names a live session; each use restarts its idle clock. */
  touchSession(id: string | undefined): boolean {
    if (this.expireSessionAfterRequests !== null && this.expireSessionAfterRequests-- <= 0) {
      this.expireSessionAfterRequests = null;
      this.sessions.clear();
    }
    const last = id ? this.sessions.get(id) : undefined;
    if (last === undefined || Date.now() - last > this.sessionIdleMs) {
      if (id) this.sessions.delete(id);
      return false;
    }
    this.sessions.set(id!, Date.now());
    return true;
  }

  tokenValid(token: string | undefined, kind: TokenKind): boolean {
    const t = token ? this.tokens.get(token) : undefined;
    return t !== undefined && t.kind === kind && t.expiresAt > Date.now();
  }

  /** Middleware for one auth style: the legacy ZIA cookie, a product token, or a OneAPI bearer. */
  guard(kind: 'zia-session' | TokenKind) {
    return (req: Request, res: Response, next: NextFunction): void => {
      if (kind === 'zia-session') {
        const id = /JSESSIONID=([^;\s]+)/.exec(req.get('cookie') ?? '')?.[1];
        if (this.touchSession(id)) return next();
        res.status(401).json({ code: 'SESSION_NOT_VALID', message: 'Session is not valid' });
        return;
      }
      const raw = kind === 'zcc' ? req.get('auth-token') : req.get('authorization')?.replace(/^Bearer\s+/i, '');
      if (this.tokenValid(raw, kind)) return next();
      if (kind === 'oneapi') res.status(401).json({ detail: 'unauthorized', type: '', title: '', status: '' });
      else if (kind === 'zpa') res.status(401).json({ id: 'authentication.failed', reason: 'Invalid or expired token' });
      else res.status(401).json({ errorMsg: 'Invalid or expired auth-token' });
    };
  }
}
