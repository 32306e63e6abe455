/**
 * The rows of a `… RETURNING` statement run through `DataSource.query`: TypeORM's postgres
 * driver answers UPDATE and DELETE with `[rows, affected]` and every other statement with rows.
 */
export function returnedRows<T>(raw: unknown): T[] {
  return (Array.isArray(raw) && Array.isArray(raw[0]) ? raw[0] : raw) as T[];
}
