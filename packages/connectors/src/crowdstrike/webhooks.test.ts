import { fixtureText } from '@trustsync/testing';
import { hmac, type WebhookDelivery } from '../core';
import { crowdstrikeWebhooks } from './webhooks';

const SECRET = 'test-hmac-secret-0123456789abcdef0123456789abcdef';
const body = fixtureText('crowdstrike', 'webhook-fusion-delivery.body.json');
const AT = new Date('2026-01-01T00:02:30Z');

function headers(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of fixtureText('crowdstrike', 'webhook-fusion-delivery.headers').split(/\r?\n/).slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

const delivery = (h: Record<string, string>, raw = body): WebhookDelivery => ({ method: 'POST', headers: h, query: {}, rawBody: Buffer.from(raw) });

describe('falcon fusion webhooks', () => {
  it('verifies the fixture delivery signed over body and delivery timestamp', () => {
    expect(crowdstrikeWebhooks.verify(delivery(headers()), SECRET, {}, AT)).toEqual({ ok: true });
  });

  it('rejects a delivery whose body was tampered with', () => {
    expect(crowdstrikeWebhooks.verify(delivery(headers(), body.replace('srv-web-01', 'srv-web-02')), SECRET, {}, AT)).toEqual({ ok: false, reason: 'signature does not match' });
  });

  it('rejects a delivery whose timestamp is older than the tolerance', () => {
    expect(crowdstrikeWebhooks.verify(delivery(headers()), SECRET, {}, new Date('2026-01-01T00:10:00Z'))).toEqual({ ok: false, reason: 'stale delivery timestamp' });
  });

  it('follows a configured timestamp-then-body hex recipe', () => {
    const h = headers();
    h['X-Cs-Primary-Signature'] = hmac('sha256', SECRET, `${h['X-Cs-Delivery-Timestamp']}${body}`, 'hex');
    expect(crowdstrikeWebhooks.verify(delivery(h), SECRET, { webhookSignedContent: 'timestamp_body', webhookSignatureEncoding: 'hex' }, AT)).toEqual({ ok: true });
  });

  it('parses the delivery into one detection event naming the alert', () => {
    const [e] = crowdstrikeWebhooks.parse(JSON.parse(body));
    expect({ type: e.eventType, category: e.category, entity: e.sourceEntityType, id: e.sourceEntityId, severity: e.severity, at: e.eventTime }).toEqual({
      type: 'New endpoint detection',
      category: 'detection',
      entity: 'detection',
      id: '1a2b3c4d5e6f40718293a4b5c6d7e8f9:ind:b2c3d4e5f6a70819203b4c5d6e7f8091:55834574921-5702-982211',
      severity: 'critical',
      at: '2026-01-01T00:01:52.000Z',
    });
  });
});
