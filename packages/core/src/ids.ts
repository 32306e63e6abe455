import { randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ID_LENGTH = 12;

// Random bytes are drawn a few kilobytes at a time: a sync makes an id per new record, and one
// system call per id cost more than building the id.
const pool = Buffer.alloc(ID_LENGTH * 512);
let used = pool.length;

/** A readable random id with a type prefix, e.g. `INT-7K2M9QXD4RTA` (60 bits of randomness). */
export function newId(prefix: 'INT' | 'SYN' | 'DEV' | 'USR' | 'POL' | 'DET' | 'EVT' | 'MAP' | 'KEY'): string {
  if (used + ID_LENGTH > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  let out = '';
  for (let i = 0; i < ID_LENGTH; i++) out += ALPHABET[pool[used + i] & 31];
  used += ID_LENGTH;
  return `${prefix}-${out}`;
}
