import { fixture, fixtureText } from '@trustsync/testing';
import type { WebhookDelivery } from '../core';
import { oktaWebhooks } from './webhooks';

const SECRET = 'okta-hook-secret-EXAMPLE-7f3c9a1e';

function requestHeaders(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of fixtureText('okta', file).split(/\r?\n/).slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return out;
}

function delivery(method: string, headers: Record<string, string>, body: string): WebhookDelivery {
  return { method, headers, query: {}, rawBody: Buffer.from(body) };
}

describe('okta event hooks', () => {
  const body = fixtureText('okta', 'event-hook-delivery.json');

  it('accepts the fixture delivery carrying the configured secret', () => {
    expect(oktaWebhooks.verify(delivery('POST', requestHeaders('event-hook-delivery.headers'), body), SECRET, {}, new Date())).toEqual({ ok: true });
  });

  it('rejects a delivery whose secret header was tampered with', () => {
    const headers = { ...requestHeaders('event-hook-delivery.headers'), authorization: `${SECRET}x` };
    expect(oktaWebhooks.verify(delivery('POST', headers, body), SECRET, {}, new Date()).ok).toBe(false);
  });

  it('reads the secret from the header the integration configured', () => {
    const headers = { 'x-hook-key': SECRET };
    expect(oktaWebhooks.verify(delivery('POST', headers, body), SECRET, { webhookHeaderName: 'X-Hook-Key' }, new Date())).toEqual({ ok: true });
  });

  it('answers the one-time verification GET by echoing the challenge', () => {
    const answer = oktaWebhooks.challenge!(delivery('GET', requestHeaders('event-hook-verification.request.http'), ''), SECRET, {});
    expect(answer).toEqual({ status: 200, body: fixture('okta', 'event-hook-verification.response.json') });
  });

  it('refuses the verification GET when the secret does not match', () => {
    expect(oktaWebhooks.challenge!(delivery('GET', requestHeaders('event-hook-verification.request.http'), ''), 'other', {})?.status).toBe(401);
  });

  it('parses data.events[] into one event per log event, keyed by uuid', () => {
    const events = oktaWebhooks.parse(JSON.parse(body));
    expect(events.map((e) => [e.externalEventId, e.category, e.sourceEntityType, e.sourceEntityId])).toEqual([
      ['7a1b2c3d-e001-11f0-8000-0242ac120002', 'user', 'user', '00u1k2j3h4G5f6D7s8b4'],
      ['7a1b2c3d-e002-11f0-8000-0242ac120002', 'device', 'device', 'guo1a2b3c4d5E6F7g8i1'],
      ['7a1b2c3d-e003-11f0-8000-0242ac120002', 'user', 'user', '00u1k2j3h4G5f6D7s8b0'],
    ]);
  });

  it('throws on a body Okta never sends', () => {
    expect(() => oktaWebhooks.parse({ hello: 'world' })).toThrow('not an Okta event hook delivery');
  });
});
