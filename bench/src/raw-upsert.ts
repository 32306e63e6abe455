import type { DataSource } from 'typeorm';

/**
 * The machine's limit for the same work without TrustSync: the device and mapping rows a sync
 * wrote, upserted again from the client into empty copies of the two tables with the fastest
 * plain method we know (unnest arrays, 5,000 rows a statement, one transaction). Returns rows/s
 * counted as devices (each device is one device row plus one mapping row, as in a sync).
 */
export async function rawUpsertRate(ds: DataSource): Promise<{ devicesPerSecond: number; seconds: number; devices: number }> {
  await ds.query(`DROP TABLE IF EXISTS raw_devices, raw_mappings`);
  await ds.query(`CREATE TABLE raw_devices (LIKE devices INCLUDING ALL)`);
  await ds.query(`CREATE TABLE raw_mappings (LIKE integration_mappings INCLUDING ALL)`);
  const devices: Array<Record<string, unknown>> = await ds.query(`SELECT id, correlation_key, serial_number, name, hostname, platform, os_name, os_version, model, primary_user_email, last_seen_at, enrolled_at, managed, agent_installed, filevault_enabled, status FROM devices`);
  const mappings: Array<Record<string, unknown>> = await ds.query(`SELECT integration_id, platform_entity_type, platform_entity_id, external_entity_type, external_entity_id, external_entity_name, content_hash, attributes::text AS attributes FROM integration_mappings WHERE external_entity_type = 'device'`);
  const chunk = 5000;
  const start = process.hrtime.bigint();
  await ds.transaction(async (m) => {
    for (let i = 0; i < devices.length; i += chunk) {
      const rows = devices.slice(i, i + chunk);
      const col = (k: string): unknown[] => rows.map((r) => r[k]);
      await m.query(
        `INSERT INTO raw_devices (id, correlation_key, serial_number, name, hostname, platform, os_name, os_version, model, primary_user_email, last_seen_at, enrolled_at, managed, agent_installed, filevault_enabled, status)
         SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::varchar[], $5::varchar[], $6::varchar[], $7::varchar[], $8::varchar[], $9::varchar[], $10::varchar[], $11::timestamptz[], $12::timestamptz[], $13::bool[], $14::bool[], $15::bool[], $16::varchar[])
         ON CONFLICT (correlation_key) DO UPDATE SET name = EXCLUDED.name, os_version = EXCLUDED.os_version, last_seen_at = EXCLUDED.last_seen_at, updated_at = now()`,
        ['id', 'correlation_key', 'serial_number', 'name', 'hostname', 'platform', 'os_name', 'os_version', 'model', 'primary_user_email', 'last_seen_at', 'enrolled_at', 'managed', 'agent_installed', 'filevault_enabled', 'status'].map(col),
      );
    }
    for (let i = 0; i < mappings.length; i += chunk) {
      const rows = mappings.slice(i, i + chunk);
      const col = (k: string): unknown[] => rows.map((r) => r[k]);
      await m.query(
        `INSERT INTO raw_mappings (integration_id, platform_entity_type, platform_entity_id, external_entity_type, external_entity_id, external_entity_name, content_hash, attributes)
         SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::varchar[], $5::varchar[], $6::varchar[], $7::varchar[], $8::jsonb[])
         ON CONFLICT (integration_id, external_entity_type, external_entity_id) DO UPDATE SET content_hash = EXCLUDED.content_hash, attributes = EXCLUDED.attributes, last_synced_at = now()`,
        ['integration_id', 'platform_entity_type', 'platform_entity_id', 'external_entity_type', 'external_entity_id', 'external_entity_name', 'content_hash', 'attributes'].map(col),
      );
    }
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await ds.query(`DROP TABLE raw_devices, raw_mappings`);
  return { devicesPerSecond: Math.round(devices.length / seconds), seconds: Number(seconds.toFixed(2)), devices: devices.length };
}
