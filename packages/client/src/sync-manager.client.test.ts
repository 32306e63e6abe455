import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { SyncManager, TrustSyncApiError } from './index';

const BASE = 'https://trustsync.example';
const seen: Array<{ url: string; auth: string | null; body: unknown }> = [];
const server = setupServer(
  http.post(`${BASE}/api/v1/devices/:id/compliance`, async ({ request, params }) => {
    seen.push({ url: request.url, auth: request.headers.get('authorization'), body: await request.json() });
    return HttpResponse.json({ device_id: params.id, kind: 'compliance', state_version: 2, state_changed: true, settled: true, results: { 'INT-AAAAAAAAAAAA': { integration_type: 'okta', status: 'succeeded', success: true } } });
  }),
  http.post(`${BASE}/api/v1/devices/:id/actions/contain`, () => HttpResponse.json({ error: { code: 'conflict', message: 'no enabled integration can run contain' } }, { status: 409 })),
);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  seen.length = 0;
});
afterAll(() => server.close());

describe('SyncManager', () => {
  it('returns per-integration success of a waited compliance push', async () => {
    const outcome = await new SyncManager({ baseUrl: BASE, apiKey: 'k1' }).pushComplianceStatus('DEV-AAAAAAAAAAAA', { is_compliant: false, violations: ['FileVault disabled'] }, { wait: true });
    expect(outcome.results['INT-AAAAAAAAAAAA'].success).toBe(true);
  });

  it('sends the API key as a bearer token and the wait flag in the query', async () => {
    await new SyncManager({ baseUrl: BASE, apiKey: 'secret-key-1' }).pushComplianceStatus('DEV-AAAAAAAAAAAA', { is_compliant: true }, { wait: true, waitMs: 5000 });
    expect([seen[0].auth, new URL(seen[0].url).search]).toEqual(['Bearer secret-key-1', '?wait=true&wait_ms=5000']);
  });

  it('turns an API error into a TrustSyncApiError with its code and status', async () => {
    const err = await new SyncManager({ baseUrl: BASE }).contain('DEV-AAAAAAAAAAAA').catch((e: unknown) => e);
    expect(err instanceof TrustSyncApiError && [err.status, err.code]).toEqual([409, 'conflict']);
  });
});
