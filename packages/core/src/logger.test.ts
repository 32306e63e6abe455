import { Writable } from 'node:stream';
import winston from 'winston';
import { AxiosError, AxiosHeaders } from 'axios';
import { SecretRegistry, createLogger } from './logger';

function capture(): { lines: string[]; transport: winston.transport } {
  const lines: string[] = [];
  const stream = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
  return { lines, transport: new winston.transports.Stream({ stream }) };
}

describe('log redaction', () => {
  it('logs an axios error as method, path and status: never its headers, query string or the token in it', () => {
    const { lines, transport } = capture();
    const registry = new SecretRegistry();
    registry.add('kandji-token-SECRET-0001');
    const logger = createLogger({ service: 'test', silent: true, registry, transports: [transport] });
    const config = { method: 'get', url: 'https://acme.api.kandji.io/api/v1/devices?token=kandji-token-SECRET-0001', headers: new AxiosHeaders({ Authorization: 'Bearer kandji-token-SECRET-0001' }) };
    const err = new AxiosError('Request failed with status code 401 for Bearer kandji-token-SECRET-0001', 'ERR_BAD_REQUEST', config as never, {}, { status: 401, statusText: '', headers: {}, config: config as never, data: {} });
    logger.error('vendor call failed', { err, credentials: { api_key: 'kandji-token-SECRET-0001' }, client_secret: 'cs-SECRET-0002', note: 'used kandji-token-SECRET-0001 again' });
    const out = lines.join('');
    expect(out).not.toContain('SECRET');
    const line = JSON.parse(lines[0]);
    expect(line.err).toMatchObject({ name: 'AxiosError', status: 401, request: 'GET https://acme.api.kandji.io/api/v1/devices' });
    expect(line.credentials).toBe('[REDACTED]');
    expect(line.note).toBe('used [REDACTED] again');
    expect(line.client_secret).toBe('[REDACTED]');
  });
});
