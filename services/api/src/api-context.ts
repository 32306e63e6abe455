import type { Queue } from 'bullmq';
import type IORedis from 'ioredis';
import type { DataSource } from 'typeorm';
import type { Logger, SecretBox } from '@trustsync/core';
import { VENDORS, createConnector, type Connector, type ConnectorContext, type VendorModule } from '@trustsync/connectors';
import type { IntegrationType } from '@trustsync/model';

/** Whether the process still takes traffic; shutdown flips it so readiness answers 503 first. */
export interface Lifecycle {
  draining: boolean;
}

/** What `createApp` is given: adapters built by the composition root (or a test). */
export interface ApiDeps {
  dataSource: DataSource;
  /** Producer of the sync queue. */
  syncQueue: Queue;
  /** The producer's Redis connection, pinged by readiness. */
  redis: IORedis;
  secretBox: SecretBox;
  logger: Logger;
  lifecycle?: Lifecycle;
  /** Vendor registry; tests may add a vendor with settings or a stub connector. */
  vendors?: Record<IntegrationType, VendorModule>;
  createConnector?: (ctx: ConnectorContext) => Connector;
  bodyLimit?: string;
  /** Lets endpoints name loopback or private addresses (development and the sandbox demo). */
  allowPrivateEndpoints?: boolean;
  connectionTestTimeoutMs?: number;
  enqueueTimeoutMs?: number;
  readinessTimeoutMs?: number;
  now?: () => Date;
}

/** The dependencies with every default filled in, as route handlers see them. */
export type ApiContext = Required<ApiDeps>;

/** Fills in the defaults of the optional dependencies. */
export function resolveDeps(deps: ApiDeps): ApiContext {
  const vendors = deps.vendors ?? VENDORS;
  return {
    lifecycle: { draining: false },
    // An injected registry must also build the connectors, or the two would disagree.
    createConnector: deps.vendors ? (ctx) => vendors[ctx.integration.type].create(ctx) : createConnector,
    bodyLimit: '1mb',
    allowPrivateEndpoints: false,
    connectionTestTimeoutMs: 20_000,
    enqueueTimeoutMs: 2000,
    readinessTimeoutMs: 1000,
    now: () => new Date(),
    ...deps,
    vendors,
  };
}

/** Who a request acts as; recorded as created_by / updated_by / triggered_by until authentication lands. */
export const API_ACTOR = 'api';
