import { hexId, pick32, uuidFor, type Fleet, type FleetDevice, type Person } from '../../fleet';

/** The four posture switches the admin API can flip. */
export interface KandjiPosture {
  filevault: boolean;
  sip: boolean;
  firewall: boolean;
  gatekeeper: boolean;
}

/** One blueprint of the simulated tenant. */
export interface SimBlueprint {
  index: number;
  id: string;
  name: string;
  type: 'classic' | 'map';
  code: string;
}

/** One device as the simulator sees it right now: fleet facts plus tenant state. */
export interface SimDevice {
  index: number;
  id: string;
  fleet: FleetDevice;
  name: string;
  owner: Person | null;
  ownerId: string | null;
  blueprint: SimBlueprint;
  posture: KandjiPosture;
  locked: boolean;
  lostMode: boolean;
  missing: boolean;
  lastCheckInMs: number;
  enrolledMs: number;
}

/** One MDM command the simulator received; its status turns to completed after `completeMs`. */
export interface SimCommand {
  uuid: string;
  deviceIndex: number;
  deviceId: string;
  serial: string;
  verb: string;
  requestType: string;
  body: Record<string, unknown>;
  requestedMs: number;
}

/** Facts derived from a whole-tenant pass, rebuilt only after the device set changes. */
interface TenantScan {
  macs: Int32Array;
  blueprintCounts: number[];
  behavioral: number[];
  threats: number[];
  ipads: number;
}

const MAC_BLUEPRINTS = ['Engineering', 'Sales', 'Finance', 'Marketing', 'Support', 'Legal', 'People', 'IT', 'Security', 'Operations'].map((d) => `${d} Macs`);
const BLUEPRINT_NAMES = [...MAC_BLUEPRINTS, 'Contractor Macs', 'Shared iPads'];
const IPAD_BLUEPRINT = BLUEPRINT_NAMES.length - 1;
const CONTRACTOR_BLUEPRINT = BLUEPRINT_NAMES.length - 2;
const TAIL_SPACE = 2n ** 48n;
// An odd multiplier is invertible modulo 2^48, so the index can be read back from the tail.
const TAIL_MULTIPLIER = 0x5deece66dn;
const TAIL_INVERSE = modularInverse(TAIL_MULTIPLIER, TAIL_SPACE);

function modularInverse(a: bigint, m: bigint): bigint {
  let [r0, r1, t0, t1] = [m, a % m, 0n, 1n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1, t0, t1] = [r1, r0 - q * r1, t1, t0 - q * t1];
  }
  return ((t0 % m) + m) % m;
}
const HOUR_MS = 3_600_000;
/**
 * Devices kept computed: enough for the four Prism categories the posture stream asks for at one
 * offset at once (4 × 300 requests of the same 300 devices), so each device is derived once there
 * instead of four times. Bounded, so a 100,000-device tenant still costs no memory.
 */
const DEVICE_CACHE_SIZE = 2048;

/** Options of a simulated tenant. */
export interface KandjiTenantOptions {
  fleet: Fleet;
  devices: number;
  people: number;
  deviceOffset: number;
  /** How long a command stays pending before the command list shows it completed. */
  commandCompleteMs: number;
}

/**
 * The simulated Kandji tenant. Devices are computed from the fleet on every request; only what
 * a test changed (removals, renames, posture overrides, locks, commands) is held in memory.
 */
export class KandjiTenant {
  readonly blueprints: SimBlueprint[];
  readonly commands: SimCommand[] = [];
  /** The fleet's anchor: every generated time counts back from it. */
  readonly epochMs: number;
  size: number;
  private readonly removed = new Set<number>();
  private removedSorted: number[] = [];
  private readonly names = new Map<number, string>();
  private readonly postures = new Map<number, Partial<KandjiPosture>>();
  private readonly locked = new Set<number>();
  private readonly lostMode = new Set<number>();
  private scanCache: TenantScan | undefined;
  // Insertion-ordered, oldest evicted first; emptied by every change to what `device` returns.
  private readonly deviceCache = new Map<number, SimDevice>();
  private commandCount = 0;
  private readonly tailOffset: bigint;

  constructor(private readonly opts: KandjiTenantOptions) {
    this.size = opts.devices;
    this.epochMs = opts.fleet.anchorMs;
    this.tailOffset = BigInt(`0x${hexId(12, opts.fleet.seed, 'kandji-id-offset')}`);
    this.blueprints = BLUEPRINT_NAMES.map((name, index) => ({
      index,
      id: uuidFor(opts.fleet.seed, 'kandji-blueprint', index),
      name,
      type: index === IPAD_BLUEPRINT || index === CONTRACTOR_BLUEPRINT ? 'map' : 'classic',
      code: String(100000 + (pick32(opts.fleet.seed, 'kandji-enroll', index) % 900000)),
    }));
  }

  get fleet(): Fleet {
    return this.opts.fleet;
  }

  get people(): number {
    return this.opts.people;
  }

  get commandCompleteMs(): number {
    return this.opts.commandCompleteMs;
  }

  /** Devices currently in the tenant. */
  get deviceCount(): number {
    return this.size - this.removedSorted.filter((i) => this.inRange(i)).length;
  }

  /** Resizes the tenant to `devices` fleet machines. */
  resize(devices: number): void {
    this.size = devices;
    this.scanCache = undefined;
    this.deviceCache.clear();
  }

  /** Up to `count` devices from list position `position` (removed devices skipped), in O(page + removed). */
  page(position: number, count: number): SimDevice[] {
    const base = this.opts.deviceOffset;
    let i = base + position;
    for (const r of this.removedSorted) {
      if (r <= i) i++;
      else break;
    }
    const out: SimDevice[] = [];
    for (; out.length < count && i < base + this.size; i++) if (!this.removed.has(i)) out.push(this.device(i));
    return out;
  }

  /** The device at fleet index `i`, as it is now. Callers must not change the object: it may be shared. */
  device(i: number): SimDevice {
    const cached = this.deviceCache.get(i);
    if (cached) return cached;
    const d = this.derive(i);
    if (this.deviceCache.size >= DEVICE_CACHE_SIZE) this.deviceCache.delete(this.deviceCache.keys().next().value!);
    this.deviceCache.set(i, d);
    return d;
  }

  private derive(i: number): SimDevice {
    const { f, owner, h, blueprintIndex } = this.classify(i);
    const modelName = f.model.split(' (')[0];
    return {
      index: i,
      id: this.deviceId(i, f.serial),
      fleet: f,
      name: this.names.get(i) ?? (owner ? `${owner.firstName}’s ${modelName}` : modelName),
      owner,
      ownerId: owner ? this.userId(owner.index) : null,
      blueprint: this.blueprints[blueprintIndex],
      posture: { ...this.defaultPosture(i), ...this.postures.get(i) },
      locked: this.locked.has(i),
      lostMode: this.lostMode.has(i),
      missing: h % 50 === 1,
      lastCheckInMs: this.epochMs - (h % (48 * 60)) * 60_000 - (h % 997) * 37,
      enrolledMs: this.epochMs - (30 + (h % 700)) * 24 * HOUR_MS - (h % 86_400) * 1000,
    };
  }

  /** The cheap facts of device `i` that the whole-tenant scan needs; `h` seeds its other values. */
  private classify(i: number): { f: FleetDevice; owner: Person | null; h: number; blueprintIndex: number } {
    const { fleet, people } = this.opts;
    const f = fleet.device(i, people);
    const owner = f.platform === 'iPad' ? null : fleet.person(f.ownerIndex);
    const h = pick32(fleet.seed, 'kandji-device', i);
    let blueprintIndex = IPAD_BLUEPRINT;
    if (owner) blueprintIndex = (h >>> 6) % 20 === 0 ? CONTRACTOR_BLUEPRINT : Math.max(0, MAC_BLUEPRINTS.indexOf(`${owner.department} Macs`));
    return { f, owner, h, blueprintIndex };
  }

  /** The device with a Kandji device_id, if it is in the tenant. */
  byId(id: string): SimDevice | undefined {
    const m = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-([0-9a-f]{12})$/.exec(id);
    if (!m) return undefined;
    const i = Number(((((BigInt(`0x${m[1]}`) - this.tailOffset) % TAIL_SPACE) + TAIL_SPACE) * TAIL_INVERSE % TAIL_SPACE));
    if (!this.isPresent(i)) return undefined;
    const d = this.device(i);
    return d.id === id ? d : undefined;
  }

  /** The device with a serial number, if it is in the tenant. */
  bySerial(serial: string): SimDevice | undefined {
    // Fleet serials carry the index in base 34 at characters 4..9.
    const i = parseInt(serial.slice(4, 10), 34);
    if (!Number.isInteger(i) || !this.isPresent(i)) return undefined;
    const d = this.device(i);
    return d.fleet.serial === serial ? d : undefined;
  }

  /** The directory user id of person `j`. */
  userId(j: number): string {
    return uuidFor(this.opts.fleet.seed, 'kandji-user', j);
  }

  remove(i: number): void {
    this.removed.add(i);
    this.removedSorted = [...this.removed].sort((a, b) => a - b);
    this.scanCache = undefined;
    this.deviceCache.clear();
  }

  rename(i: number, name: string): void {
    this.names.set(i, name);
    this.deviceCache.delete(i);
  }

  setPosture(i: number, patch: Partial<KandjiPosture>): void {
    this.postures.set(i, { ...this.postures.get(i), ...patch });
    this.deviceCache.delete(i);
  }

  setLocked(i: number, locked: boolean): void {
    if (locked) this.locked.add(i);
    else this.locked.delete(i);
    this.deviceCache.delete(i);
  }

  setLostMode(i: number, on: boolean): void {
    if (on) this.lostMode.add(i);
    else this.lostMode.delete(i);
    this.deviceCache.delete(i);
  }

  /** Records a command as Kandji would list it. */
  addCommand(d: SimDevice, verb: string, requestType: string, body: Record<string, unknown>, nowMs = Date.now()): SimCommand {
    const command: SimCommand = {
      uuid: uuidFor(this.opts.fleet.seed, 'kandji-command', this.commandCount++, nowMs),
      deviceIndex: d.index,
      deviceId: d.id,
      serial: d.fleet.serial,
      verb,
      requestType,
      body,
      requestedMs: nowMs,
    };
    this.commands.push(command);
    return command;
  }

  /** True while a command is not yet completed. */
  isPending(c: SimCommand, nowMs = Date.now()): boolean {
    return nowMs - c.requestedMs < this.opts.commandCompleteMs;
  }

  /** Visible Mac indexes (Prism lists Macs only), blueprint counts and the devices with detections. */
  scan(): TenantScan {
    if (this.scanCache) return this.scanCache;
    const macs: number[] = [];
    const blueprintCounts = this.blueprints.map(() => 0);
    const behavioral: number[] = [];
    const threats: number[] = [];
    let ipads = 0;
    const end = this.opts.deviceOffset + this.size;
    for (let i = this.opts.deviceOffset; i < end; i++) {
      if (this.removed.has(i)) continue;
      const { owner, h, blueprintIndex } = this.classify(i);
      blueprintCounts[blueprintIndex]++;
      if (!owner) {
        ipads++;
        continue;
      }
      macs.push(i);
      // About 2% of Macs each have a behavioural detection and a threat detail.
      if ((h >>> 11) % 100 < 2) behavioral.push(i);
      if ((h >>> 18) % 100 < 2) threats.push(i);
    }
    this.scanCache = { macs: Int32Array.from(macs), blueprintCounts, behavioral, threats, ipads };
    return this.scanCache;
  }

  private inRange(i: number): boolean {
    return i >= this.opts.deviceOffset && i < this.opts.deviceOffset + this.size;
  }

  private isPresent(i: number): boolean {
    return this.inRange(i) && !this.removed.has(i);
  }

  private defaultPosture(i: number): KandjiPosture {
    // One hash, four base-100 digits: ~5% without FileVault, ~1% SIP off, ~3% firewall off, ~2% Gatekeeper off.
    const p = pick32(this.opts.fleet.seed, 'kandji-posture', i);
    const digit = (n: number): number => Math.floor(p / 100 ** n) % 100;
    return { filevault: digit(0) >= 5, sip: digit(1) >= 1, firewall: digit(2) >= 3, gatekeeper: digit(3) >= 2 };
  }

  /** A UUID from the serial whose last group is an invertible scramble of the index, so `byId` needs no lookup table. */
  private deviceId(i: number, serial: string): string {
    const head = uuidFor(this.opts.fleet.seed, 'kandji-device-id', serial).slice(0, 23);
    const tail = ((BigInt(i) * TAIL_MULTIPLIER + this.tailOffset) % TAIL_SPACE).toString(16).padStart(12, '0');
    return `${head}-${tail}`;
  }
}
