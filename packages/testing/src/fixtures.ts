import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** `../shared/fixtures` beside the repository root, where every developer and CI has it. */
export const FIXTURES_DIR = process.env.TRUSTSYNC_FIXTURES_DIR ?? resolve(__dirname, '../../../../shared/fixtures');

/** Reads a vendor fixture as JSON. */
export function fixture<T = unknown>(vendor: string, file: string): T {
  return JSON.parse(readFileSync(join(FIXTURES_DIR, vendor, file), 'utf8')) as T;
}

/** Reads a vendor fixture as text (headers files, ndjson, raw bodies). */
export function fixtureText(vendor: string, file: string): string {
  return readFileSync(join(FIXTURES_DIR, vendor, file), 'utf8');
}
