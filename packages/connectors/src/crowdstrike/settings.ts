import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

/** Falcon clouds and their API base URLs. */
export const FALCON_CLOUDS = {
  'us-1': 'https://api.crowdstrike.com',
  'us-2': 'https://api.us-2.crowdstrike.com',
  'eu-1': 'https://api.eu-1.crowdstrike.com',
  'us-gov-1': 'https://api.laggar.gcw.crowdstrike.com',
  'us-gov-2': 'https://api.us-gov-2.crowdstrike.mil',
} as const;
export type FalconCloud = keyof typeof FALCON_CLOUDS;

/** The `settings` JSON of a CrowdStrike integration; defaults apply to every field left out. */
export class CrowdStrikeSettings {
  @IsOptional() @IsIn(Object.keys(FALCON_CLOUDS))
  cloud?: FalconCloud;

  /** Follow the token endpoint's `X-Cs-Region` to the tenant's cloud (commercial clouds only). */
  @IsOptional() @IsBoolean()
  autodiscoverRegion?: boolean;

  /** MSSP: the child CID the token is for. */
  @IsOptional() @Matches(/^[0-9a-fA-F]{32}(-[0-9a-fA-F]{2})?$/)
  memberCid?: string;

  /** Renew the ~30 minute token when fewer than this many seconds remain. */
  @IsOptional() @IsInt() @Min(30) @Max(1200)
  renewWindowSeconds?: number;

  /** Host ids per scroll page, which is also one detail call (at most 100 ids on the GET). */
  @IsOptional() @IsInt() @Min(1) @Max(100)
  hostPageSize?: number;

  /** Sort of the host scroll; a restarted scroll skips ids up to the last one seen, so it must order by id. */
  @IsOptional() @IsString()
  hostSort?: string;

  @IsOptional() @IsString()
  hostFilter?: string;

  @IsOptional() @IsBoolean()
  includeHiddenHosts?: boolean;

  /** [unverified] Falcon does not document the scroll-expiry message; this pattern recognises it. */
  @IsOptional() @IsString()
  scrollExpiredPattern?: string;

  @IsOptional() @IsInt() @Min(1) @Max(1000)
  alertPageSize?: number;

  @IsOptional() @IsInt() @Min(1) @Max(90)
  alertLookbackDays?: number;

  @IsOptional() @IsString()
  alertFilter?: string;

  @IsOptional() @IsString()
  webhookSignatureHeader?: string;

  @IsOptional() @IsString()
  webhookTimestampHeader?: string;

  /** [obs/unverified] Two public implementations sign body‖timestamp in base64; one signs timestamp‖body in hex. */
  @IsOptional() @IsIn(['body_timestamp', 'timestamp_body', 'body'])
  webhookSignedContent?: 'body_timestamp' | 'timestamp_body' | 'body';

  @IsOptional() @IsIn(['base64', 'hex'])
  webhookSignatureEncoding?: 'base64' | 'hex';

  @IsOptional() @IsInt() @Min(10) @Max(86_400)
  webhookToleranceSeconds?: number;
}

/** Settings with every default filled in. */
export type ResolvedCrowdStrikeSettings = Required<Omit<CrowdStrikeSettings, 'memberCid' | 'hostFilter' | 'alertFilter'>> & Pick<CrowdStrikeSettings, 'memberCid' | 'hostFilter' | 'alertFilter'>;

/** Fills the defaults into an integration's raw settings (the integration's `region` column picks the cloud too). */
export function resolveCrowdStrikeSettings(raw: Record<string, unknown>, region: string | null): ResolvedCrowdStrikeSettings {
  const s = raw as CrowdStrikeSettings;
  const cloud = s.cloud ?? (region && region in FALCON_CLOUDS ? (region as FalconCloud) : 'us-1');
  return {
    cloud,
    autodiscoverRegion: s.autodiscoverRegion ?? !cloud.startsWith('us-gov'),
    memberCid: s.memberCid,
    renewWindowSeconds: s.renewWindowSeconds ?? 120,
    hostPageSize: s.hostPageSize ?? 100,
    hostSort: s.hostSort ?? 'device_id.asc',
    hostFilter: s.hostFilter,
    includeHiddenHosts: s.includeHiddenHosts ?? true,
    scrollExpiredPattern: s.scrollExpiredPattern ?? 'expired|no longer valid|search context|invalid offset',
    alertPageSize: s.alertPageSize ?? 200,
    alertLookbackDays: s.alertLookbackDays ?? 30,
    alertFilter: s.alertFilter,
    webhookSignatureHeader: s.webhookSignatureHeader ?? 'x-cs-primary-signature',
    webhookTimestampHeader: s.webhookTimestampHeader ?? 'x-cs-delivery-timestamp',
    webhookSignedContent: s.webhookSignedContent ?? 'body_timestamp',
    webhookSignatureEncoding: s.webhookSignatureEncoding ?? 'base64',
    webhookToleranceSeconds: s.webhookToleranceSeconds ?? 300,
  };
}
