import 'reflect-metadata';
import { DataSource } from 'typeorm';
import * as entities from './entities';
import { migrations } from './migrations';

/** Options for `createDataSource`. */
export interface DataSourceOptions {
  url: string;
  /** Connections this process may hold; keep small, replicas multiply it. */
  poolSize?: number;
  applicationName?: string;
}

/** The TypeORM data source every process uses. Schema changes only through migrations. */
export function createDataSource(opts: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: opts.url,
    entities: Object.values(entities),
    migrations,
    synchronize: false,
    migrationsRun: false,
    poolSize: opts.poolSize ?? 5,
    connectTimeoutMS: 5000,
    extra: {
      application_name: opts.applicationName ?? 'trustsync',
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: 5000,
      statement_timeout: 120_000,
    },
  });
}
