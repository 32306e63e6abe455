import { IsBoolean, IsIn, IsObject, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { PageQuery } from '../http/paging.dto';

const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

/** Body of POST /integrations/:id/response-rules; rules start disabled unless `enabled` is true. */
export class CreateResponseRuleBody {
  @IsString() @MinLength(1) @MaxLength(200) name!: string;
  @IsOptional() @IsIn(['detection']) trigger?: string;
  @IsOptional() @IsIn(SEVERITIES) min_severity?: string;
  @IsString() @Matches(/^[a-z_]{2,50}$/) command!: string;
  @IsOptional() @IsObject() params?: Record<string, unknown>;
  @IsOptional() @IsBoolean() enabled?: boolean;
}

/** Body of PATCH /integrations/:id/response-rules/:ruleId. */
export class UpdateResponseRuleBody {
  @IsOptional() @IsString() @MinLength(1) @MaxLength(200) name?: string;
  @IsOptional() @IsIn(SEVERITIES) min_severity?: string;
  @IsOptional() @IsObject() params?: Record<string, unknown>;
  @IsOptional() @IsBoolean() enabled?: boolean;
}

/** Query of GET /integrations/:id/pushes. */
export class IntegrationPushesQuery extends PageQuery {
  @IsOptional() @IsIn(['compliance', 'risk']) kind?: string;
  @IsOptional() @IsString() @MaxLength(20) status?: string;
  @IsOptional() @IsString() @MaxLength(32) device_id?: string;
}

/** Query of GET /integrations/:id/automatic-actions. */
export class AutomaticActionsQuery extends PageQuery {
  @IsOptional() @IsString() @MaxLength(32) device_id?: string;
}
