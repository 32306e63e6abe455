import { Type } from 'class-transformer';
import {
  ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsISO8601, IsNotEmpty, IsObject, IsOptional, IsString, IsUrl,
  Max, MaxLength, Min, MinLength, ValidateIf, ValidateNested,
} from 'class-validator';
import { INTEGRATION_TYPES, type IntegrationType } from '@trustsync/model';
import { PageQuery } from '../http/paging.dto';
import { QueryBool } from '../http/input.validator';

/** The original design's auth types; a vendor's manifest may name its own modes as well. */
export const AUTH_TYPES = ['bearer', 'api_key', 'oauth2', 'basic'] as const;

/** Fields the API computes; a body that sets one is refused naming it. */
export const READ_ONLY_FIELDS = [
  'id', 'health_status', 'health_reason', 'last_health_check', 'total_syncs', 'successful_syncs', 'failed_syncs',
  'last_sync_at', 'last_sync_status', 'created_at', 'updated_at', 'created_by', 'updated_by', 'credential_hints',
  'webhook_secret_hint', 'token_expires_at', 'credentials_sealed', 'webhook_secret_sealed',
] as const;

/** Skips validation only when the field is absent: `null` is refused for columns that cannot be null. */
function Absent(): PropertyDecorator {
  return ValidateIf((_obj, value) => value !== undefined);
}

/** Credential fields of the original design; each optional, all stored sealed. */
export class CredentialsDto {
  @IsOptional() @IsString() @MaxLength(8192) api_key?: string;
  @IsOptional() @IsString() @MaxLength(8192) api_secret?: string;
  @IsOptional() @IsString() @MaxLength(1024) client_id?: string;
  @IsOptional() @IsString() @MaxLength(8192) client_secret?: string;
  @IsOptional() @IsString() @MaxLength(16384) access_token?: string;
  @IsOptional() @IsString() @MaxLength(16384) refresh_token?: string;
  @IsOptional() @IsISO8601() token_expires_at?: string;
  @IsOptional() @IsString() @MaxLength(1024) username?: string;
  @IsOptional() @IsString() @MaxLength(8192) password?: string;
  @IsOptional() @IsString() @MaxLength(65536) private_key?: string;
  // Vendor-specific second credentials: Zscaler's legacy ZPA and Client Connector APIs take
  // their own key pairs; Okta signs security events with a separate key.
  @IsOptional() @IsString() @MaxLength(1024) zpa_client_id?: string;
  @IsOptional() @IsString() @MaxLength(8192) zpa_client_secret?: string;
  @IsOptional() @IsString() @MaxLength(1024) zcc_api_key?: string;
  @IsOptional() @IsString() @MaxLength(8192) zcc_secret_key?: string;
  @IsOptional() @IsString() @MaxLength(65536) ssf_private_key?: string;
}

/** Fields shared by create and update, every one optional. */
export class IntegrationFieldsDto {
  @IsOptional() @IsString() @MaxLength(5000) description?: string | null;
  @IsOptional() @IsString() @MaxLength(500) @IsUrl({ require_protocol: true, protocols: ['http', 'https'], require_tld: false }) endpoint?: string | null;
  @IsOptional() @IsString() @MaxLength(20) api_version?: string | null;
  @IsOptional() @IsString() @MaxLength(50) region?: string | null;
  @Absent() @IsString() @MaxLength(40) auth_type?: string;

  @Absent()
  @IsObject()
  @ValidateNested()
  @Type(() => CredentialsDto)
  credentials?: CredentialsDto;

  @Absent() @IsBoolean() sync_enabled?: boolean;
  @Absent() @IsInt() @Min(1) @Max(10_080) sync_interval_minutes?: number;
  @Absent() @IsBoolean() webhook_enabled?: boolean;
  @IsOptional() @IsString() @MinLength(8) @MaxLength(1024) webhook_secret?: string | null;

  @Absent()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  features?: string[];

  @Absent() @IsBoolean() sync_devices?: boolean;
  @Absent() @IsBoolean() sync_users?: boolean;
  @Absent() @IsBoolean() sync_policies?: boolean;
  @Absent() @IsBoolean() sync_events?: boolean;
  @Absent() @IsBoolean() push_compliance?: boolean;
  @Absent() @IsBoolean() push_risk_scores?: boolean;
  @Absent() @IsBoolean() push_policies?: boolean;
  @IsOptional() @IsInt() @Min(1) @Max(1_000_000) rate_limit_requests?: number | null;
  @IsOptional() @IsInt() @Min(1) @Max(86_400) rate_limit_period_seconds?: number | null;
  @Absent() @IsBoolean() enabled?: boolean;
  @Absent() @IsObject() settings?: Record<string, unknown>;
}

/** Body of POST /integrations. */
export class CreateIntegrationDto extends IntegrationFieldsDto {
  @IsString() @IsNotEmpty() @MaxLength(200) name!: string;
  @IsIn(INTEGRATION_TYPES) integration_type!: IntegrationType;
}

/** Body of PUT /integrations/:id: any subset of the create fields. */
export class UpdateIntegrationDto extends IntegrationFieldsDto {
  @Absent() @IsString() @IsNotEmpty() @MaxLength(200) name?: string;
  @Absent() @IsIn(INTEGRATION_TYPES) integration_type?: IntegrationType;
}

/** Query of GET /integrations (at most 200 a page). */
export class ListIntegrationsQuery extends PageQuery {
  @IsOptional() @Max(200) override page_size: number = 50;
  @IsOptional() @IsIn(INTEGRATION_TYPES) integration_type?: IntegrationType;
  @IsOptional() @QueryBool() @IsBoolean() enabled?: boolean;
}
