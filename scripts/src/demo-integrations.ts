/** One integration the demo creates against the sandbox, in the API's create shape. */
export interface DemoIntegration {
  name: string;
  body: Record<string, unknown>;
}

/**
 * The demo company's tools, each pointed at its simulator under `sandboxUrl`. The credentials are
 * the sandbox's own (see GET /_sandbox); real tenants need the scopes listed in the README.
 */
export function demoIntegrations(sandboxUrl: string): DemoIntegration[] {
  const common = { sync_enabled: true, sync_interval_minutes: 60, api_version: 'v1' };
  return [
    {
      name: 'Kandji (sandbox)',
      body: {
        ...common,
        integration_type: 'kandji',
        description: 'Kandji MDM tenant simulated by the vendor sandbox',
        endpoint: `${sandboxUrl}/kandji`,
        auth_type: 'bearer',
        credentials: { api_key: 'sandbox-kandji-token' },
        sync_devices: true,
        sync_users: true,
        sync_policies: true,
        push_compliance: true,
        features: ['device_sync', 'compliance_push'],
      },
    },
    {
      name: 'CrowdStrike Falcon (sandbox)',
      body: {
        ...common,
        integration_type: 'crowdstrike',
        description: 'Falcon EDR tenant simulated by the vendor sandbox',
        endpoint: `${sandboxUrl}/crowdstrike`,
        region: 'us-1',
        auth_type: 'oauth2',
        credentials: { client_id: 'sandbox-falcon-client', client_secret: 'sandbox-falcon-secret' },
        features: ['device_sync', 'detections', 'containment'],
      },
    },
    {
      name: 'Okta (sandbox)',
      body: {
        ...common,
        integration_type: 'okta',
        description: 'Okta org simulated by the vendor sandbox',
        endpoint: `${sandboxUrl}/okta`,
        auth_type: 'api_key',
        credentials: { api_key: 'sandbox-okta-api-token' },
        // Okta takes no trust score: a non-compliant push suspends the device (and a compliant one
        // lifts it). An SSF signal needs an issuer and signing key registered with Okta.
        settings: { suspendNonCompliantDevices: true },
        push_compliance: true,
        features: ['user_sync', 'device_sync', 'compliance_push'],
      },
    },
    {
      name: 'Zscaler (sandbox)',
      body: {
        ...common,
        integration_type: 'zscaler',
        description: 'Zscaler ZIA, ZPA and Client Connector simulated by the vendor sandbox (legacy API keys)',
        endpoint: `${sandboxUrl}/zscaler`,
        auth_type: 'api_key',
        credentials: {
          api_key: 'SbxZiaApiKey0123456789',
          client_id: 'api-admin@example.com',
          client_secret: 'sandbox-zia-password',
          zpa_client_id: 'sandbox-zpa-client',
          zpa_client_secret: 'sandbox-zpa-secret',
          zcc_api_key: 'sandbox-zcc-key',
          zcc_secret_key: 'sandbox-zcc-secret',
        },
        settings: { zpaBaseUrl: `${sandboxUrl}/zscaler`, zccBaseUrl: `${sandboxUrl}/zscaler`, zpaCustomerId: '216196257331281920' },
        // Real ZIA allows about 2 requests/s, which makes a 1,000-device demo take minutes;
        // the sandbox does not enforce it, so the demo allows 100/s.
        rate_limit_requests: 1000,
        rate_limit_period_seconds: 10,
        push_compliance: true,
        push_risk_scores: true,
        features: ['device_sync', 'user_sync', 'compliance_push', 'risk_push'],
      },
    },
    {
      name: 'Seraphic (sandbox)',
      body: {
        ...common,
        integration_type: 'seraphic',
        description: 'Seraphic browser security simulated by the vendor sandbox (proposed API shape, see README)',
        endpoint: `${sandboxUrl}/seraphic`,
        auth_type: 'api_key',
        credentials: { api_key: 'sandbox-seraphic-key' },
        rate_limit_requests: 1000,
        rate_limit_period_seconds: 10,
        push_compliance: true,
        push_risk_scores: true,
        features: ['device_sync', 'detections', 'compliance_push', 'risk_push'],
      },
    },
  ];
}
