import { hash } from 'node:crypto';

/**
 * The generated company every vendor sandbox describes. Device `i` and person `j` are pure
 * functions of (seed, index), so a 100,000-device tenant costs no memory, and the same machine
 * shows the same serial number in Kandji, Falcon, Zscaler and Seraphic: that is what lets
 * TrustSync merge them into one platform device.
 */

const FIRST = ['Ava', 'Liam', 'Noah', 'Emma', 'Olivia', 'Mateo', 'Sofia', 'Yuki', 'Arjun', 'Chloe', 'Kwame', 'Ines', 'Lucas', 'Mia', 'Omar', 'Priya', 'Hana', 'Felix', 'Zara', 'Diego', 'Nora', 'Ethan', 'Leila', 'Jonas'];
const LAST = ['Reyes', 'Okafor', 'Schmidt', 'Tanaka', 'Novak', 'Haddad', 'Fischer', 'Kowalski', 'Moreau', 'Silva', 'Nguyen', 'Patel', 'Larsen', 'Costa', 'Ibrahim', 'Dubois', 'Kim', 'Rossi', 'Ahmed', 'Berg'];
const DEPARTMENTS = ['Engineering', 'Sales', 'Finance', 'Marketing', 'Support', 'Legal', 'People', 'IT', 'Security', 'Operations'];
const TITLES = ['Engineer', 'Senior Engineer', 'Manager', 'Analyst', 'Director', 'Specialist', 'Associate', 'Lead'];
const MAC_MODELS: Array<[string, string]> = [
  ['MacBook Pro (14-inch, M3, Nov 2023)', 'Mac15,6'],
  ['MacBook Air (13-inch, M2, 2022)', 'Mac14,2'],
  ['MacBook Pro (16-inch, M3 Max, Nov 2023)', 'Mac15,9'],
  ['MacBook Air (15-inch, M3, 2024)', 'Mac15,13'],
  ['Mac mini (M2, 2023)', 'Mac14,3'],
];
const MAC_OS = ['14.6.1', '14.7', '15.1', '15.2', '13.6.9'];
const IPAD_MODELS = ['iPad (10th generation) (Wi-Fi)', 'iPad Air (5th generation) (Wi-Fi)', 'iPad Pro (11-inch) (4th generation)'];
const SERIAL_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';

// One-shot `hash` rather than createHash(): the same digest at about half the cost, and a
// 100,000-device tenant computes millions of these while it is paged through.

/** A deterministic 32-bit hash of the inputs, for picking values. */
export function pick32(...parts: Array<string | number>): number {
  return hash('sha1', parts.join('|'), 'buffer').readUInt32BE(0);
}

/** A deterministic UUID (v4 layout) from the inputs. */
export function uuidFor(...parts: Array<string | number>): string {
  const h = hash('sha1', parts.join('|'), 'hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A deterministic lowercase hex id of `length` characters. */
export function hexId(length: number, ...parts: Array<string | number>): string {
  let out = '';
  let n = 0;
  while (out.length < length) out += hash('sha1', `${parts.join('|')}#${n++}`, 'hex');
  return out.slice(0, length);
}

/** One person of the company. */
export interface Person {
  index: number;
  firstName: string;
  lastName: string;
  name: string;
  email: string;
  department: string;
  title: string;
}

/** One machine of the company, as every vendor sees it. */
export interface FleetDevice {
  index: number;
  serial: string;
  platform: 'Mac' | 'iPad';
  model: string;
  modelId: string;
  osVersion: string;
  hostname: string;
  ownerIndex: number;
}

const DAY_MS = 86_400_000;

/** Midnight UTC of the day `nowMs` falls in. */
export function startOfUtcDayMs(nowMs: number): number {
  return Math.floor(nowMs / DAY_MS) * DAY_MS;
}

/**
 * A generated company: `seed` fixes every value; `domain` names its email addresses; `anchorMs` is
 * the instant every generated time counts back from (last check-ins, detections, log events).
 * It defaults to midnight UTC of today rather than the start time, so two sandboxes started the
 * same day with the same seed serve identical records and a second full sync finds nothing changed.
 */
export class Fleet {
  constructor(
    readonly seed: string = 'northwind',
    readonly domain = 'example.com',
    readonly anchorMs = startOfUtcDayMs(Date.now()),
  ) {}

  person(j: number): Person {
    const h = pick32(this.seed, 'person', j);
    const firstName = FIRST[h % FIRST.length];
    const lastName = LAST[(h >>> 8) % LAST.length];
    return {
      index: j,
      firstName,
      lastName,
      name: `${firstName} ${lastName}`,
      email: `${firstName}.${lastName}.${j}@${this.domain}`.toLowerCase(),
      department: DEPARTMENTS[(h >>> 16) % DEPARTMENTS.length],
      title: TITLES[(h >>> 20) % TITLES.length],
    };
  }

  /**
   * Whether machine `i`'s disk is encrypted (FileVault, on a Mac): one fact that every tool
   * reporting it must agree on. It is the first digit of Kandji's default posture hash, so
   * Kandji's Prism and Okta Verify tell the same story (about 5% of Macs without FileVault).
   */
  fileVault(i: number): boolean {
    return pick32(this.seed, 'kandji-posture', i) % 100 >= 5;
  }

  device(i: number, peopleCount: number): FleetDevice {
    const h = pick32(this.seed, 'device', i);
    const isIpad = h % 10 === 0;
    let rand = '';
    let x = pick32(this.seed, 'serial', i);
    for (let k = 0; k < 6; k++) {
      rand += SERIAL_ALPHABET[x % SERIAL_ALPHABET.length];
      x = Math.floor(x / SERIAL_ALPHABET.length);
    }
    // Six base-34 digits of the index keep serials unique across the whole fleet.
    const serial = `${rand.slice(0, 4)}${i.toString(34).toUpperCase().padStart(6, '0')}${rand.slice(4)}`;
    const ownerIndex = peopleCount > 0 ? i % peopleCount : 0;
    const owner = this.person(ownerIndex);
    const [model, modelId] = isIpad ? [IPAD_MODELS[h % IPAD_MODELS.length], 'iPad13,18'] : MAC_MODELS[(h >>> 4) % MAC_MODELS.length];
    return {
      index: i,
      serial,
      platform: isIpad ? 'iPad' : 'Mac',
      model,
      modelId,
      osVersion: isIpad ? '17.5.1' : MAC_OS[(h >>> 8) % MAC_OS.length],
      hostname: `${owner.firstName.toLowerCase()}-${isIpad ? 'ipad' : 'mbp'}-${i}`,
      ownerIndex,
    };
  }
}
