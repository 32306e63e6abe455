import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A readable random id with a type prefix, e.g. `INT-7K2M9QXD4RTA` (60 bits of randomness). */
export function newId(prefix: 'INT' | 'SYN' | 'DEV' | 'USR' | 'POL' | 'DET' | 'EVT' | 'MAP' | 'KEY'): string {
  const bytes = randomBytes(12);
  let out = '';
  for (let i = 0; i < 12; i++) out += ALPHABET[bytes[i] & 31];
  return `${prefix}-${out}`;
}
