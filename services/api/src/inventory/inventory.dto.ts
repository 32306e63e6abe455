import { IsBoolean, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '../http/paging.dto';
import { QueryBool } from '../http/input.validator';

/** Query of GET /devices. */
export class ListDevicesQuery extends PageQuery {
  @IsOptional() @IsString() @MaxLength(100) serial_number?: string;
  @IsOptional() @IsString() @MaxLength(300) hostname?: string;
  @IsOptional() @IsString() @MaxLength(50) platform?: string;
  @IsOptional() @IsString() @MaxLength(100) os_name?: string;
  @IsOptional() @IsString() @MaxLength(20) status?: string;
  @IsOptional() @QueryBool() @IsBoolean() is_compliant?: boolean;
  @IsOptional() @QueryBool() @IsBoolean() filevault_enabled?: boolean;
  @IsOptional() @QueryBool() @IsBoolean() firewall_enabled?: boolean;
  @IsOptional() @IsString() @MaxLength(32) integration_id?: string;
  @IsOptional() @IsString() @MaxLength(300) q?: string;
}

/** Query of GET /users. */
export class ListUsersQuery extends PageQuery {
  @IsOptional() @IsString() @MaxLength(320) email?: string;
  @IsOptional() @IsString() @MaxLength(20) status?: string;
  @IsOptional() @IsString() @MaxLength(200) department?: string;
  @IsOptional() @IsString() @MaxLength(32) integration_id?: string;
}

/** Query of GET /policies. */
export class ListPoliciesQuery extends PageQuery {
  @IsOptional() @IsString() @MaxLength(100) policy_type?: string;
  @IsOptional() @IsString() @MaxLength(32) integration_id?: string;
}

/** Query of GET /detections. */
export class ListDetectionsQuery extends PageQuery {
  @IsOptional() @IsString() @MaxLength(20) severity?: string;
  @IsOptional() @IsString() @MaxLength(20) status?: string;
  @IsOptional() @IsString() @MaxLength(32) device_id?: string;
  @IsOptional() @IsString() @MaxLength(32) integration_id?: string;
}

/** Query of GET /integrations/:id/mappings. */
export class ListMappingsQuery extends PageQuery {
  @IsOptional() @IsIn(['device', 'user', 'policy', 'detection']) entity_type?: string;
  @IsOptional() @QueryBool() @IsBoolean() active?: boolean;
}
