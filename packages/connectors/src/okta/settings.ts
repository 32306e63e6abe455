import { ArrayNotEmpty, IsArray, IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, IsUrl, Max, Min } from 'class-validator';

/** Policy types a zero-trust team reads: sign-on, app access, password, MFA enrollment. */
export const DEFAULT_POLICY_TYPES = ['OKTA_SIGN_ON', 'ACCESS_POLICY', 'PASSWORD', 'MFA_ENROLL'];

/** System Log events the detection stream pulls: authentication, sessions, lockouts and risk. */
export const DEFAULT_LOG_FILTER =
  'eventType sw "user.authentication" or eventType sw "user.session" or eventType eq "user.account.lock" or eventType eq "user.risk.change" or eventType eq "security.threat.detected"';

/** The `settings` JSON of an Okta integration; defaults apply to every field left out. */
export class OktaSettings {
  /** `api_token` sends `SSWS`; `oauth` signs a `private_key_jwt` assertion for a service app. */
  @IsOptional() @IsIn(['api_token', 'oauth'])
  authMode?: 'api_token' | 'oauth';

  @IsOptional() @IsString()
  scopes?: string;

  @IsOptional() @IsString()
  keyId?: string;

  @IsOptional() @IsInt() @Min(1) @Max(200)
  pageSize?: number;

  @IsOptional() @IsArray() @ArrayNotEmpty() @IsString({ each: true })
  policyTypes?: string[];

  @IsOptional() @IsBoolean()
  includeDeviceAssurance?: boolean;

  /** `by_group` lists each group's members once; `none` skips memberships. */
  @IsOptional() @IsIn(['by_group', 'none'])
  groupMemberships?: 'by_group' | 'none';

  /** The built-in Everyone group names every user; listing it costs calls and says nothing. */
  @IsOptional() @IsBoolean()
  includeBuiltInGroups?: boolean;

  @IsOptional() @IsString()
  logFilter?: string;

  @IsOptional() @IsInt() @Min(1) @Max(2160)
  logLookbackHours?: number;

  /** Below this share of a bucket left, requests to that endpoint family wait for its reset. */
  @IsOptional() @IsNumber() @Min(0) @Max(0.9)
  slowDownBelowRatio?: number;

  /** Hosts besides the org's own that `Link` URLs may point at (a custom domain). */
  @IsOptional() @IsArray() @IsString({ each: true })
  linkHosts?: string[];

  /** Issuer registered as an SSF security events provider; without it no signal can be pushed. */
  @IsOptional() @IsUrl({ require_tld: false })
  ssfIssuer?: string;

  @IsOptional() @IsString()
  ssfKeyId?: string;

  /** A non-compliant push also suspends the device in Okta (and a compliant one unsuspends it). */
  @IsOptional() @IsBoolean()
  suspendNonCompliantDevices?: boolean;

  /** A non-compliant push also ends every session of the device's users. */
  @IsOptional() @IsBoolean()
  revokeSessionsOnNonCompliant?: boolean;

  /** Header that carries the event hook secret (Okta's authScheme key). */
  @IsOptional() @IsString()
  webhookHeaderName?: string;
}

/** Settings with every default filled in. */
export type ResolvedOktaSettings = Required<Omit<OktaSettings, 'ssfIssuer' | 'ssfKeyId' | 'keyId' | 'authMode'>> &
  Pick<OktaSettings, 'ssfIssuer' | 'ssfKeyId' | 'keyId' | 'authMode'>;

/** Fills the defaults into an integration's raw settings. */
export function resolveOktaSettings(raw: Record<string, unknown>): ResolvedOktaSettings {
  const s = raw as OktaSettings;
  return {
    authMode: s.authMode,
    scopes: s.scopes ?? 'okta.users.read okta.groups.read okta.devices.read okta.policies.read okta.logs.read okta.deviceAssurance.read',
    keyId: s.keyId,
    pageSize: s.pageSize ?? 200,
    policyTypes: s.policyTypes ?? DEFAULT_POLICY_TYPES,
    includeDeviceAssurance: s.includeDeviceAssurance ?? true,
    groupMemberships: s.groupMemberships ?? 'by_group',
    includeBuiltInGroups: s.includeBuiltInGroups ?? false,
    logFilter: s.logFilter ?? DEFAULT_LOG_FILTER,
    logLookbackHours: s.logLookbackHours ?? 24,
    slowDownBelowRatio: s.slowDownBelowRatio ?? 0.1,
    linkHosts: s.linkHosts ?? [],
    ssfIssuer: s.ssfIssuer,
    ssfKeyId: s.ssfKeyId,
    suspendNonCompliantDevices: s.suspendNonCompliantDevices ?? false,
    revokeSessionsOnNonCompliant: s.revokeSessionsOnNonCompliant ?? false,
    webhookHeaderName: s.webhookHeaderName ?? 'authorization',
  };
}
