import { ComplianceBody, CommandBody, ContainmentBody, DevicePushesQuery, PushWaitQuery, RiskScoreBody } from '../devices/device-push.dto';
import { BulkReplayBody, ListEventsQuery } from '../events/events.dto';
import { PageQuery } from '../http/paging.dto';
import { CreateIntegrationDto, ListIntegrationsQuery, UpdateIntegrationDto } from '../integrations/integration.dto';
import { ListDetectionsQuery, ListDevicesQuery, ListMappingsQuery, ListPoliciesQuery, ListUsersQuery } from '../inventory/inventory.dto';
import { AutomaticActionsQuery, CreateResponseRuleBody, IntegrationPushesQuery, UpdateResponseRuleBody } from '../pushes/response-rule.dto';
import { ListSyncsQuery, SyncTypeInput } from '../syncs/sync.dto';
import { CreateApiKeyBody, ListAuditQuery } from '../auth/api-keys.dto';

/** A DTO class the API validates input with. */
export type DtoClass = new () => object;

/** What the document says about one route besides its path: which DTOs validate it, and its answer. */
export interface RouteDoc {
  summary: string;
  tag: string;
  query?: DtoClass;
  body?: DtoClass;
  /** The success status; 200 when absent. */
  status?: number;
  /** The body is raw bytes (webhook deliveries), not JSON. */
  rawBody?: boolean;
  /** The answer is not JSON. */
  produces?: string;
}

/**
 * Which DTO validates which route, keyed by `METHOD path` as the app registers it. Fields are
 * never listed here: they come from the DTO classes' validation metadata. A route the app
 * registers without an entry still appears in the document; the docs test fails on it.
 */
export const ROUTE_DOCS: Record<string, RouteDoc> = {
  'GET /healthz': { summary: 'Liveness: the process answers', tag: 'operations' },
  'GET /readyz': { summary: 'Readiness: Postgres and Redis answer and the process is not draining', tag: 'operations' },
  'GET /metrics': { summary: 'Prometheus metrics of the API process, queue depths and integration health', tag: 'operations', produces: 'text/plain' },
  'GET /api/docs': { summary: 'This OpenAPI 3.1 document', tag: 'operations' },
  'GET /api/docs/ui': { summary: 'Browsable page of this document', tag: 'operations', produces: 'text/html' },
  'GET /api/docs/ui.js': { summary: 'Script of the browsable page', tag: 'operations', produces: 'text/javascript' },
  'GET /api/v1/integrations/statistics': { summary: 'Syncs, items, durations, webhook events, pushes, vendor requests and queue depths, per integration and overall', tag: 'integrations' },
  'GET /api/v1/integrations': { summary: 'List integrations with health and freshness', tag: 'integrations', query: ListIntegrationsQuery },
  'POST /api/v1/integrations': { summary: 'Create an integration (credentials are sealed, never returned)', tag: 'integrations', body: CreateIntegrationDto, status: 201 },
  'GET /api/v1/integrations/:id': { summary: 'One integration', tag: 'integrations' },
  'PUT /api/v1/integrations/:id': { summary: 'Update any subset of an integration', tag: 'integrations', body: UpdateIntegrationDto },
  'DELETE /api/v1/integrations/:id': { summary: 'Delete an integration with its syncs, mappings and events', tag: 'integrations', status: 204 },
  'POST /api/v1/integrations/:id/test': { summary: 'Test the connection, record health, resume scheduling stopped after repeated failures', tag: 'integrations' },
  'POST /api/v1/integrations/sync-all': { summary: 'Start a sync of every syncable integration', tag: 'syncs', query: SyncTypeInput, body: SyncTypeInput, status: 202 },
  'POST /api/v1/integrations/:id/sync': { summary: 'Start (or join the running) sync of one integration', tag: 'syncs', query: SyncTypeInput, status: 202 },
  'GET /api/v1/integrations/:id/syncs': { summary: 'Sync history of an integration, newest first', tag: 'syncs', query: ListSyncsQuery },
  'GET /api/v1/syncs/:sync_id': { summary: 'One sync with its counts', tag: 'syncs' },
  'GET /api/v1/integrations/:id/mappings': { summary: 'How an integration knows platform entities', tag: 'inventory', query: ListMappingsQuery },
  'GET /api/v1/devices': { summary: 'List devices with their vendor mappings', tag: 'inventory', query: ListDevicesQuery },
  'GET /api/v1/devices/:id': { summary: 'One device with every vendor record', tag: 'inventory' },
  'GET /api/v1/users': { summary: 'List users with their vendor mappings', tag: 'inventory', query: ListUsersQuery },
  'GET /api/v1/users/:id': { summary: 'One user with every vendor record', tag: 'inventory' },
  'GET /api/v1/policies': { summary: 'List policies', tag: 'inventory', query: ListPoliciesQuery },
  'GET /api/v1/detections': { summary: 'List detections', tag: 'inventory', query: ListDetectionsQuery },
  'POST /api/v1/devices/:id/compliance': { summary: 'Push a compliance state to the vendors of a device', tag: 'pushes', query: PushWaitQuery, body: ComplianceBody, status: 202 },
  'POST /api/v1/devices/:id/risk-score': { summary: 'Push a risk score to the vendors of a device', tag: 'pushes', query: PushWaitQuery, body: RiskScoreBody, status: 202 },
  'GET /api/v1/devices/:id/pushes': { summary: 'Pushes of a device', tag: 'pushes', query: DevicePushesQuery },
  'POST /api/v1/devices/:id/commands': { summary: 'Run a remote command on a device', tag: 'commands', body: CommandBody, status: 202 },
  'POST /api/v1/devices/:id/actions/contain': { summary: 'Network-contain a device', tag: 'commands', body: ContainmentBody, status: 202 },
  'POST /api/v1/devices/:id/actions/lift-containment': { summary: 'Lift the containment of a device', tag: 'commands', body: ContainmentBody, status: 202 },
  'GET /api/v1/devices/:id/commands': { summary: 'Commands of a device', tag: 'commands', query: PageQuery },
  'GET /api/v1/commands/:id': { summary: 'One command and its vendor status', tag: 'commands' },
  'GET /api/v1/integrations/:id/pushes': { summary: 'Pushes of an integration', tag: 'pushes', query: IntegrationPushesQuery },
  'GET /api/v1/pushes/:id': { summary: 'One push', tag: 'pushes' },
  'POST /api/v1/pushes/:id/retry': { summary: 'Retry a failed push', tag: 'pushes', status: 202 },
  'GET /api/v1/integrations/:id/response-rules': { summary: 'Automatic response rules of an integration', tag: 'pushes' },
  'POST /api/v1/integrations/:id/response-rules': { summary: 'Create an automatic response rule', tag: 'pushes', body: CreateResponseRuleBody, status: 201 },
  'GET /api/v1/integrations/:id/response-rules/:ruleId': { summary: 'One response rule', tag: 'pushes' },
  'PATCH /api/v1/integrations/:id/response-rules/:ruleId': { summary: 'Change a response rule', tag: 'pushes', body: UpdateResponseRuleBody },
  'DELETE /api/v1/integrations/:id/response-rules/:ruleId': { summary: 'Delete a response rule', tag: 'pushes', status: 204 },
  'GET /api/v1/integrations/:id/automatic-actions': { summary: 'Actions the response rules took', tag: 'pushes', query: AutomaticActionsQuery },
  'POST /api/v1/automatic-actions/:id/undo': { summary: 'Undo an automatic action', tag: 'pushes', status: 202 },
  'GET /api/v1/queues/metrics': { summary: 'Backlog per queue (for KEDA)', tag: 'operations' },
  'GET /api/v1/integrations/:id/events': { summary: 'Vendor events of an integration', tag: 'events', query: ListEventsQuery },
  'GET /api/v1/integrations/:id/webhook-rejections': { summary: 'Webhook deliveries refused (bad signature, unknown shape)', tag: 'events', query: PageQuery },
  'GET /api/v1/integrations/:id/webhook-status': { summary: 'Webhook health: last delivery, missed webhooks', tag: 'events' },
  'POST /api/v1/events/replay': { summary: 'Replay the events of one integration that match a filter', tag: 'events', body: BulkReplayBody, status: 202 },
  'GET /api/v1/events/:event_id': { summary: 'One event', tag: 'events' },
  'POST /api/v1/events/:event_id/replay': { summary: 'Replay one event', tag: 'events', status: 202 },
  'GET /api/v1/api-keys': { summary: 'List API keys (never the keys themselves)', tag: 'security', query: PageQuery },
  'POST /api/v1/api-keys': { summary: 'Create an API key; the key is in this answer only', tag: 'security', body: CreateApiKeyBody, status: 201 },
  'DELETE /api/v1/api-keys/:id': { summary: 'Revoke an API key at once', tag: 'security' },
  'GET /api/v1/audit': { summary: 'The append-only audit log of every change, trigger, push and command', tag: 'security', query: ListAuditQuery },
  'POST /api/v1/integrations/webhooks/:id': { summary: 'Webhook delivery from a vendor (signature checked against the raw body)', tag: 'webhooks', rawBody: true, status: 202 },
  'GET /api/v1/integrations/webhooks/:id': { summary: 'Vendor verification challenge (Okta)', tag: 'webhooks' },
};

/** Routes that belong to a third-party UI (Bull Board) and are listed without DTOs. */
export const THIRD_PARTY_PREFIXES = ['/admin/queues'];
