import { IsIn, IsISO8601, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { API_ROLES, type ApiRole, type AuditOutcome } from '@trustsync/db';
import { PageQuery } from '../http/paging.dto';

/** Body of POST /api-keys. */
export class CreateApiKeyBody {
  @IsString() @MinLength(1) @MaxLength(100) @Matches(/^[\w .@:-]+$/, { message: 'name may hold letters, digits, spaces and _ . @ : -' }) name!: string;
  @IsIn(API_ROLES) role!: ApiRole;
  /** When the key stops working (ISO-8601, in the future); never when absent. */
  @IsOptional() @IsISO8601({ strict: true }) expires_at?: string;
}

const OUTCOMES: AuditOutcome[] = ['success', 'denied', 'failed'];

/** Query of GET /audit. */
export class ListAuditQuery extends PageQuery {
  @IsOptional() @IsString() @Matches(/^KEY-[0-9A-Z]{12}$/) actor_key_id?: string;
  /** A route as `METHOD /path/:param`, e.g. `POST /api/v1/integrations/:id/sync`. */
  @IsOptional() @IsString() @MaxLength(80) action?: string;
  @IsOptional() @IsString() @MaxLength(120) target_id?: string;
  @IsOptional() @IsIn(OUTCOMES) outcome?: AuditOutcome;
  @IsOptional() @IsISO8601() since?: string;
  @IsOptional() @IsISO8601() until?: string;
}
