import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { SYNC_TYPES, type SyncType } from '@trustsync/connectors';
import { PageQuery } from '../http/paging.dto';

/** Query (or body) naming the kind of sync to run; full when absent. */
export class SyncTypeInput {
  @IsOptional() @IsIn(SYNC_TYPES) sync_type?: SyncType;
}

/** Query of GET /integrations/:id/syncs. */
export class ListSyncsQuery extends PageQuery {
  @IsOptional() @IsString() @MaxLength(20) status?: string;
  @IsOptional() @IsIn(SYNC_TYPES) sync_type?: SyncType;
}
