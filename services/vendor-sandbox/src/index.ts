export * from './sandbox';
export * from './fleet';
export * from './traffic';
export * from './sandbox-vendor';
export { SANDBOX_VENDORS, type SandboxVendorName } from './vendors';
