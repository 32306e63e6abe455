import { isIP } from 'node:net';

const PRIVATE_V4 = [/^10\./, /^127\./, /^0\./, /^169\.254\./, /^192\.168\./, /^172\.(1[6-9]|2\d|3[01])\./, /^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./];

function isPrivateHost(host: string): boolean {
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.internal')) return true;
  const version = isIP(host);
  if (version === 4) return PRIVATE_V4.some((re) => re.test(host));
  if (version === 6) {
    const mapped = host.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/);
    if (mapped) return isPrivateHost(mapped[1]);
    return host === '::1' || host === '::' || /^f[cd]/.test(host) || /^fe[89ab]/.test(host);
  }
  return false;
}

/**
 * Why an endpoint may not be used, or undefined. Outside development the API refuses plain http
 * and addresses inside our own network, because the connection test calls the endpoint from here.
 * Only literal hosts are checked: a public name that resolves to a private address is not caught.
 */
export function endpointProblem(endpoint: string, allowPrivate: boolean): string | undefined {
  if (allowPrivate) return undefined;
  const url = new URL(endpoint);
  if (url.protocol !== 'https:') return 'endpoint must use https';
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return isPrivateHost(host) ? 'endpoint must not name a loopback or private address' : undefined;
}
