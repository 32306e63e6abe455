import { fixture } from '@trustsync/testing';
import type { WebhookDelivery } from '../core';
import { webhooks } from './webhooks';

interface SignedFixture {
  test_secret: string;
  headers: Record<string, string>;
  raw_body: string;
}

const files = ['proposed_webhook_threat_detected.json', 'proposed_webhook_dlp_violation.json'];

function delivery(f: SignedFixture, rawBody = f.raw_body): WebhookDelivery {
  const headers = Object.fromEntries(Object.entries(f.headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { method: 'POST', headers, query: {}, rawBody: Buffer.from(rawBody) };
}

const at = (f: SignedFixture, offsetSeconds = 0): Date => new Date((Number(f.headers['X-Seraphic-Timestamp']) + offsetSeconds) * 1000);

describe('Seraphic webhooks', () => {
  it.each(files)('verifies the signed fixture %s', (file) => {
    const f = fixture<SignedFixture>('seraphic', file);
    expect(webhooks.verify(delivery(f), f.test_secret, {}, at(f, 10))).toEqual({ ok: true });
  });

  it.each(files)('rejects %s with one byte of its body changed', (file) => {
    const f = fixture<SignedFixture>('seraphic', file);
    expect(webhooks.verify(delivery(f, f.raw_body.replace('blocked', 'allowed')), f.test_secret, {}, at(f))).toEqual({ ok: false, reason: 'signature does not match' });
  });

  it('rejects a delivery whose timestamp is older than the tolerance', () => {
    const f = fixture<SignedFixture>('seraphic', files[0]);
    expect(webhooks.verify(delivery(f), f.test_secret, {}, at(f, 301)).ok).toBe(false);
  });

  it('honours a wider tolerance from the settings', () => {
    const f = fixture<SignedFixture>('seraphic', files[0]);
    expect(webhooks.verify(delivery(f), f.test_secret, { webhookToleranceSeconds: 600 }, at(f, 400))).toEqual({ ok: true });
  });

  it('rejects a delivery signed with another secret', () => {
    const f = fixture<SignedFixture>('seraphic', files[0]);
    expect(webhooks.verify(delivery(f), 'whsec_other', {}, at(f)).ok).toBe(false);
  });

  it('parses a threat event to the detection it concerns', () => {
    const f = fixture<SignedFixture>('seraphic', files[0]);
    expect(webhooks.parse(JSON.parse(f.raw_body))).toEqual([
      expect.objectContaining({ externalEventId: 'wh_01HZX3YB7N', category: 'detection', sourceEntityType: 'detection', sourceEntityId: 'det_01HZX3YB7M', severity: 'high', eventTime: '2025-05-20T09:03:40Z' }),
    ]);
  });

  it('parses a DLP event to the prefixed violation id the DLP stream uses', () => {
    const f = fixture<SignedFixture>('seraphic', files[1]);
    expect(webhooks.parse(JSON.parse(f.raw_body))[0]).toMatchObject({ category: 'dlp', sourceEntityId: 'dlp:dlp_01HZX41AA0' });
  });
});
