import { ArrayNotEmpty, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min } from 'class-validator';

/** ZIA clouds the legacy API hosts are named after (`zsapi.<cloud>.net`). */
export const ZSCALER_CLOUDS = ['zscaler', 'zscalerone', 'zscalertwo', 'zscalerthree', 'zscloud', 'zscalerbeta', 'zscalergov', 'zscalerten', 'zspreview'] as const;

/** The Zscaler products one integration can read. */
export const ZSCALER_PRODUCTS = ['zia', 'zpa', 'zcc'] as const;
export type ZscalerProduct = (typeof ZSCALER_PRODUCTS)[number];

/** What a compliance or risk push does: move the user into the ZIA quarantine group, or nothing. */
export const ZSCALER_PUSH_MODES = ['quarantine_group', 'none'] as const;

/** What to do to a non-compliant device's Client Connector registration. */
export const ZCC_PUSH_ACTIONS = ['none', 'remove', 'force_remove'] as const;

const URL_OPTS = { require_tld: false, require_protocol: true } as const;

/**
 * The `settings` JSON of a Zscaler integration. Every behaviour the notes mark as inferred or
 * tenant-dependent (session idle timeout, page sizes, the quarantine lever) is a setting here.
 */
export class ZscalerSettings {
  /** `legacy` = ZIA session + ZPA signin + ZCC login; `oneapi` = one ZIdentity OAuth2 token for all three. */
  @IsOptional() @IsIn(['legacy', 'oneapi']) authGeneration?: 'legacy' | 'oneapi';
  @IsOptional() @IsIn(ZSCALER_CLOUDS) cloud?: (typeof ZSCALER_CLOUDS)[number];
  /** OneAPI: the ZIdentity vanity domain, giving `https://<vanity>.zslogin.net/oauth2/v1/token`. */
  /** The tenant's ZIdentity name (`acme` in `acme.zslogin.net`): one DNS label, so it cannot steer the token request elsewhere. */
  @IsOptional() @IsString() @Matches(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i, { message: 'vanityDomain must be the single name before .zslogin.net' }) vanityDomain?: string;
  @IsOptional() @IsUrl(URL_OPTS) tokenUrl?: string;
  @IsOptional() @IsUrl(URL_OPTS) zpaBaseUrl?: string;
  @IsOptional() @IsUrl(URL_OPTS) zccBaseUrl?: string;
  @IsOptional() @IsString() zpaCustomerId?: string;
  @IsOptional() @IsArray() @ArrayNotEmpty() @IsIn(ZSCALER_PRODUCTS, { each: true }) products?: ZscalerProduct[];
  /** Log in again after this much idle time; tenants set the server timeout between 5 and 20 minutes. */
  @IsOptional() @IsInt() @Min(30) @Max(1200) ziaSessionIdleSeconds?: number;
  @IsOptional() @IsInt() @Min(1) @Max(10_000) ziaPageSize?: number;
  @IsOptional() @IsInt() @Min(1) @Max(500) zpaPageSize?: number;
  @IsOptional() @IsInt() @Min(1) @Max(5000) zccPageSize?: number;
  /** One `getDeviceDetails` call per device gives its serial number (the cross-vendor join key). */
  @IsOptional() @IsBoolean() zccDeviceDetails?: boolean;
  /** A 429 asking for a longer wait ends the job with a rate-limited error instead. */
  @IsOptional() @IsInt() @Min(1) @Max(3600) maxRetryWaitSeconds?: number;
  @IsOptional() @IsIn(ZSCALER_PUSH_MODES) pushMode?: (typeof ZSCALER_PUSH_MODES)[number];
  @IsOptional() @IsString() quarantineGroupName?: string;
  @IsOptional() @IsInt() quarantineGroupId?: number;
  /** Risk levels that put a user in the quarantine group on a risk push. */
  @IsOptional() @IsArray() @IsIn(['low', 'medium', 'high', 'critical'], { each: true }) quarantineRiskLevels?: string[];
  @IsOptional() @IsIn(ZCC_PUSH_ACTIONS) zccActionOnNonCompliant?: (typeof ZCC_PUSH_ACTIONS)[number];
  @IsOptional() @IsInt() @Min(1) @Max(600) activationTimeoutSeconds?: number;
  @IsOptional() @IsInt() @Min(10) @Max(60_000) activationPollMs?: number;
  /** Waits between retries while another admin holds the ZIA edit lock. */
  @IsOptional() @IsArray() @IsInt({ each: true }) editLockBackoffMs?: number[];
  /** Header a Cloud NSS feed carries its shared secret in (its `connectionHeaders`). */
  @IsOptional() @IsString() nssAuthHeader?: string;
}

/** Settings with every default applied. */
export interface ResolvedZscalerSettings {
  authGeneration: 'legacy' | 'oneapi';
  cloud: (typeof ZSCALER_CLOUDS)[number];
  vanityDomain: string | null;
  tokenUrl: string | null;
  zpaBaseUrl: string | null;
  zccBaseUrl: string | null;
  zpaCustomerId: string | null;
  products: ZscalerProduct[] | null;
  ziaSessionIdleSeconds: number;
  ziaPageSize: number;
  zpaPageSize: number;
  zccPageSize: number;
  zccDeviceDetails: boolean;
  maxRetryWaitSeconds: number;
  pushMode: (typeof ZSCALER_PUSH_MODES)[number];
  quarantineGroupName: string;
  quarantineGroupId: number | null;
  quarantineRiskLevels: string[];
  zccActionOnNonCompliant: (typeof ZCC_PUSH_ACTIONS)[number];
  activationTimeoutSeconds: number;
  activationPollMs: number;
  editLockBackoffMs: number[];
  nssAuthHeader: string;
}

/** Applies the defaults to a validated settings object. */
export function resolveZscalerSettings(raw: Record<string, unknown>): ResolvedZscalerSettings {
  const s = raw as ZscalerSettings;
  return {
    authGeneration: s.authGeneration ?? 'legacy',
    cloud: s.cloud ?? 'zscaler',
    vanityDomain: s.vanityDomain ?? null,
    tokenUrl: s.tokenUrl ?? null,
    zpaBaseUrl: s.zpaBaseUrl ?? null,
    zccBaseUrl: s.zccBaseUrl ?? null,
    zpaCustomerId: s.zpaCustomerId ?? null,
    products: s.products ?? null,
    ziaSessionIdleSeconds: s.ziaSessionIdleSeconds ?? 270,
    ziaPageSize: s.ziaPageSize ?? 500,
    zpaPageSize: s.zpaPageSize ?? 500,
    zccPageSize: s.zccPageSize ?? 500,
    zccDeviceDetails: s.zccDeviceDetails ?? true,
    maxRetryWaitSeconds: s.maxRetryWaitSeconds ?? 60,
    pushMode: s.pushMode ?? 'quarantine_group',
    quarantineGroupName: s.quarantineGroupName ?? 'Quarantine-Risky-Devices',
    quarantineGroupId: s.quarantineGroupId ?? null,
    quarantineRiskLevels: s.quarantineRiskLevels ?? ['high', 'critical'],
    zccActionOnNonCompliant: s.zccActionOnNonCompliant ?? 'none',
    activationTimeoutSeconds: s.activationTimeoutSeconds ?? 60,
    activationPollMs: s.activationPollMs ?? 1000,
    editLockBackoffMs: s.editLockBackoffMs ?? [5000, 10_000, 20_000, 40_000, 60_000],
    nssAuthHeader: (s.nssAuthHeader ?? 'authorization').toLowerCase(),
  };
}
