import { IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import type { EventFilters, EventStatus } from '@trustsync/db';
import { PageQuery } from '../http/paging.dto';
import { QueryBool } from '../http/input.validator';

const EVENT_STATUSES: EventStatus[] = ['pending', 'processed', 'failed'];

/** Query of GET /integrations/:id/events. */
export class ListEventsQuery extends PageQuery {
  @IsOptional() @IsString() @MaxLength(100) event_type?: string;
  @IsOptional() @IsString() @MaxLength(50) category?: string;
  @IsOptional() @IsIn(EVENT_STATUSES) status?: EventStatus;
  @IsOptional() @QueryBool() @IsBoolean() processed?: boolean;
  /** Received at or after (ISO-8601). */
  @IsOptional() @IsISO8601() since?: string;
  /** Received before (ISO-8601). */
  @IsOptional() @IsISO8601() until?: string;
}

/** Body of POST /events/replay: which events of one integration to replay (failed ones unless told). */
export class BulkReplayBody {
  @IsString() @Matches(/^INT-[0-9A-Z]{12}$/) integration_id!: string;
  @IsOptional() @IsIn(EVENT_STATUSES) status?: EventStatus;
  @IsOptional() @IsString() @MaxLength(100) event_type?: string;
  @IsOptional() @IsString() @MaxLength(50) category?: string;
  @IsOptional() @IsISO8601() since?: string;
  @IsOptional() @IsISO8601() until?: string;
  /** At most this many events, oldest first; repeat the call for more. */
  @IsOptional() @IsInt() @Min(1) @Max(5000) limit?: number;
}

/** The repository filters of a validated list query or replay body. */
export function eventFiltersOf(q: { event_type?: string; category?: string; status?: EventStatus; processed?: boolean; since?: string; until?: string }): EventFilters {
  return {
    eventType: q.event_type,
    category: q.category,
    status: q.status,
    processed: q.processed,
    since: q.since ? new Date(q.since) : undefined,
    until: q.until ? new Date(q.until) : undefined,
  };
}
