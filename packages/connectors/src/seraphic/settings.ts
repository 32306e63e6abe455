import { IsBoolean, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min } from 'class-validator';

const URL_OPTS = { require_tld: false, require_protocol: true } as const;

/**
 * The `settings` JSON of a Seraphic integration. Seraphic publishes no API reference: only the
 * Sentinel feed's transport (tenant URL, `x-api-key`, a JSON array of `bd_type` records) has a
 * public source, so every part of the proposed REST contract is a setting here.
 */
export class SeraphicSettings {
  /** Header carrying the API key: `x-api-key` is the only evidenced name; the original design said `X-Seraphic-API-Key`. */
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9-]+$/) apiKeyHeader?: string;
  /** Path prefix of the (proposed) REST API under the integration endpoint. */
  @IsOptional() @IsString() @Matches(/^(\/[A-Za-z0-9._-]+)*$/) apiPrefix?: string;
  /** The tenant's Sentinel-style integration URL, polled for `bd_type` Alert records. */
  @IsOptional() @IsUrl(URL_OPTS) eventsUrl?: string;
  @IsOptional() @IsBoolean() pollEventsFeed?: boolean;
  @IsOptional() @IsBoolean() pollRestDetections?: boolean;
  @IsOptional() @IsBoolean() pollDlpViolations?: boolean;
  @IsOptional() @IsInt() @Min(1) @Max(100) pageLimit?: number;
  /** How far back a full sync reads detections and DLP violations. */
  @IsOptional() @IsInt() @Min(1) @Max(24 * 90) detectionLookbackHours?: number;
  /** How far back a full sync reads the events feed, in windows of `eventsWindowMinutes`. */
  @IsOptional() @IsInt() @Min(5) @Max(24 * 60) eventsLookbackMinutes?: number;
  @IsOptional() @IsInt() @Min(1) @Max(60) eventsWindowMinutes?: number;
  @IsOptional() @IsBoolean() pushEnabled?: boolean;
  @IsOptional() @IsInt() @Min(60) @Max(7 * 86_400) riskTtlSeconds?: number;
  @IsOptional() @IsString() riskSource?: string;
  @IsOptional() @IsString() webhookSignatureHeader?: string;
  @IsOptional() @IsString() webhookTimestampHeader?: string;
  @IsOptional() @IsInt() @Min(1) @Max(3600) webhookToleranceSeconds?: number;
  @IsOptional() @IsInt() @Min(1) @Max(3600) maxRetryWaitSeconds?: number;
}

/** Settings with every default applied. */
export interface ResolvedSeraphicSettings {
  apiKeyHeader: string;
  apiPrefix: string;
  eventsUrl: string | null;
  pollEventsFeed: boolean;
  pollRestDetections: boolean;
  pollDlpViolations: boolean;
  pageLimit: number;
  detectionLookbackHours: number;
  eventsLookbackMinutes: number;
  eventsWindowMinutes: number;
  pushEnabled: boolean;
  riskTtlSeconds: number;
  riskSource: string;
  webhookSignatureHeader: string;
  webhookTimestampHeader: string;
  webhookToleranceSeconds: number;
  maxRetryWaitSeconds: number;
}

/** Applies the defaults to a validated settings object. */
export function resolveSeraphicSettings(raw: Record<string, unknown>): ResolvedSeraphicSettings {
  const s = raw as SeraphicSettings;
  return {
    apiKeyHeader: s.apiKeyHeader ?? 'x-api-key',
    apiPrefix: s.apiPrefix ?? '/api/v1',
    eventsUrl: s.eventsUrl ?? null,
    pollEventsFeed: s.pollEventsFeed ?? Boolean(s.eventsUrl),
    pollRestDetections: s.pollRestDetections ?? true,
    pollDlpViolations: s.pollDlpViolations ?? true,
    pageLimit: s.pageLimit ?? 100,
    detectionLookbackHours: s.detectionLookbackHours ?? 24 * 7,
    eventsLookbackMinutes: s.eventsLookbackMinutes ?? 60,
    eventsWindowMinutes: s.eventsWindowMinutes ?? 5,
    pushEnabled: s.pushEnabled ?? true,
    riskTtlSeconds: s.riskTtlSeconds ?? 3600,
    riskSource: s.riskSource ?? 'trustsync',
    webhookSignatureHeader: (s.webhookSignatureHeader ?? 'x-seraphic-signature').toLowerCase(),
    webhookTimestampHeader: (s.webhookTimestampHeader ?? 'x-seraphic-timestamp').toLowerCase(),
    webhookToleranceSeconds: s.webhookToleranceSeconds ?? 300,
    maxRetryWaitSeconds: s.maxRetryWaitSeconds ?? 60,
  };
}
