import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { QueryBool, QueryInt } from '../http/input.validator';
import { PageQuery } from '../http/paging.dto';

/** Body of POST /devices/:id/compliance (the original design's shape). */
export class ComplianceBody {
  @IsBoolean() is_compliant!: boolean;
  @IsOptional() @IsInt() @Min(0) @Max(100) compliance_score?: number | null;
  @IsOptional() @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @MaxLength(200, { each: true }) violations?: string[];
}

/** Body of POST /devices/:id/risk-score (the original design's shape). */
export class RiskScoreBody {
  @IsInt() @Min(0) @Max(100) total_risk_score!: number;
  @IsIn(['low', 'medium', 'high', 'critical']) risk_level!: 'low' | 'medium' | 'high' | 'critical';
  @IsOptional() @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @MaxLength(200, { each: true }) risk_factors?: string[];
}

/** `?wait=true` waits for the vendors' answers, at most `wait_ms` (default 10 s, at most 30 s). */
export class PushWaitQuery {
  @IsOptional() @QueryBool() @IsBoolean() wait?: boolean;
  @IsOptional() @QueryInt() @IsInt() @Min(100) @Max(30_000) wait_ms?: number;
}

/** Body of POST /devices/:id/commands. */
export class CommandBody {
  @IsString() @Matches(/^[a-z_]{2,50}$/) command!: string;
  @IsOptional() @IsObject() params?: Record<string, unknown>;
  /** Which integration runs it; needed only when more than one could. */
  @IsOptional() @IsString() @Matches(/^INT-[0-9A-Z]{12}$/) integration_id?: string;
}

/** Body of POST /devices/:id/actions/contain and /actions/lift-containment (both optional). */
export class ContainmentBody {
  @IsOptional() @IsString() @Matches(/^INT-[0-9A-Z]{12}$/) integration_id?: string;
}

/** Query of GET /devices/:id/pushes. */
export class DevicePushesQuery extends PageQuery {
  @IsOptional() @IsIn(['compliance', 'risk']) kind?: string;
  @IsOptional() @IsString() @MaxLength(20) status?: string;
}
