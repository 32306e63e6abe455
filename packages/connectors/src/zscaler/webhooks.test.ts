import { fixture } from '@trustsync/testing';
import type { WebhookDelivery } from '../core';
import { webhooks } from './webhooks';

const nss = fixture<{ body: unknown[] }>('zscaler', 'nss_web_log_push.json');
const SECRET = 'nss-feed-secret-123';

function delivery(headers: Record<string, string>, body: unknown = nss.body): WebhookDelivery {
  return { method: 'POST', headers, query: {}, rawBody: Buffer.from(JSON.stringify(body)) };
}

describe('Cloud NSS feed webhooks', () => {
  const now = new Date('2025-05-20T10:00:00Z');

  it('accepts a feed that carries the configured bearer secret', () => {
    expect(webhooks.verify(delivery({ authorization: `Bearer ${SECRET}` }), SECRET, {}, now)).toEqual({ ok: true });
  });

  it('refuses a feed with another secret', () => {
    expect(webhooks.verify(delivery({ authorization: 'Bearer something-else' }), SECRET, {}, now).ok).toBe(false);
  });

  it('refuses a feed without the header', () => {
    expect(webhooks.verify(delivery({}), SECRET, {}, now)).toEqual({ ok: false, reason: 'missing authorization header' });
  });

  it('reads the secret from the header the settings name', () => {
    expect(webhooks.verify(delivery({ 'x-nss-token': SECRET }), SECRET, { nssAuthHeader: 'x-nss-token' }, now)).toEqual({ ok: true });
  });

  it('parses a blocked phishing record into a critical detection event at its UTC time', () => {
    const [event] = webhooks.parse(nss.body);
    expect(event).toMatchObject({ eventType: 'zscalernss-web', category: 'detection', severity: 'critical', eventTime: '2025-05-20T09:47:57.000Z', externalEventId: null });
  });

  it('throws on a body that is not NSS JSON', () => {
    expect(() => webhooks.parse({ hello: 'world' })).toThrow(/Cloud NSS/);
  });
});
