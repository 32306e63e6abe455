import type { Router } from 'express';
import type { Fleet } from './fleet';
import type { Traffic } from './traffic';

/** What every vendor simulator gets: the shared company and its size. */
export interface VendorSeed {
  fleet: Fleet;
  /** Number of devices this vendor knows (device indexes 0..devices-1 of the fleet). */
  devices: number;
  /** Number of people in the company. */
  people: number;
  /** Offset into the fleet, so two vendors can overlap only partly. */
  deviceOffset?: number;
  [option: string]: unknown;
}

/**
 * One vendor simulator. `router` is mounted at `/<name>` and speaks the vendor API as it is;
 * `admin` at `/_sandbox/<name>` lets tests change the tenant (remove a device, flip FileVault…);
 * `webhooks` sends real-shaped signed deliveries to TrustSync.
 */
export interface SandboxVendor {
  readonly name: string;
  readonly traffic: Traffic;
  router(): Router;
  admin?(): Router;
  /** A summary of the tenant for tests and the demo (counts, credentials it accepts). */
  describe(): Record<string, unknown>;
}

/** Builds a vendor simulator from the shared seed. */
export type SandboxVendorFactory = (seed: VendorSeed) => SandboxVendor;
