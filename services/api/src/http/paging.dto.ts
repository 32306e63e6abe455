import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { Paging } from '@trustsync/db';
import { QueryInt } from './input.validator';

/** `page` (1-based) and `page_size` (at most 500) of every list route. */
export class PageQuery {
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  page: number = 1;

  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(500)
  page_size: number = 50;
}

/** The repository's paging for a validated query. */
export function pagingOf(q: PageQuery): Paging {
  return { page: q.page, pageSize: q.page_size };
}

/** The list envelope every paged route answers with. */
export function pageBody<T>(items: T[], total: number, q: PageQuery): { items: T[]; page: number; page_size: number; total: number } {
  return { items, page: q.page, page_size: q.page_size, total };
}
