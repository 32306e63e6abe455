import { fixture } from '@trustsync/testing';
import type { BehavioralDetectionsPage, DeviceCommandsResponse, DrfPage, CursorPage, KandjiBlueprint, KandjiDevice, KandjiUser, PrismPage, PrismPostureRow, ThreatDetailsPage } from './api-types';
import {
  mapBehavioralDetection,
  mapBlueprint,
  mapCommandStatus,
  mapDevice,
  mapThreatDetail,
  mapUser,
  mergePosture,
  threatDetailId,
  toFlag,
  toIsoUtc,
} from './mappers';

const devices1 = fixture<KandjiDevice[]>('kandji', 'devices_page1.json');
const devices2 = fixture<KandjiDevice[]>('kandji', 'devices_page2.json');
const prism = (file: string) => fixture<PrismPage<PrismPostureRow>>('kandji', file).data;

describe('mapDevice', () => {
  const [mac, ipad] = devices1.map(mapDevice);
  const [removed] = devices2.map(mapDevice);

  it('maps a Mac with a user object to an active managed macOS device', () => {
    expect(mac).toEqual({
      externalId: '6b1f2e3d-4c5b-4a69-8877-665544332211',
      name: 'Ava’s MacBook Pro',
      serialNumber: 'FVFXK2EXAMP1',
      hostname: null,
      platform: 'Mac',
      osName: 'macOS',
      osVersion: '14.6.1',
      model: 'MacBook Pro (14-inch, M3, Nov 2023)',
      primaryUserEmail: 'ava.reyes@example.com',
      lastSeenAt: '2025-05-20T09:41:07.512Z',
      enrolledAt: '2024-02-12T15:03:44.120Z',
      managed: true,
      agentInstalled: true,
      status: 'active',
      policyRef: '7c1e2d3a-4b5c-4d6e-8f90-a1b2c3d4e5f6',
      tags: ['engineering', 'fv-required'],
    });
  });

  it('maps an iPad whose user is the empty string to no primary user', () => {
    expect(ipad.primaryUserEmail).toBeNull();
  });

  it('names the iPad operating system iPadOS', () => {
    expect(ipad.osName).toBe('iPadOS');
  });

  it('marks a missing device stale', () => {
    expect(ipad.status).toBe('stale');
  });

  it('marks a removed device retired even when it is also missing', () => {
    expect(removed.status).toBe('retired');
  });

  it('reads the email of a user with a legacy integer id', () => {
    expect(removed.primaryUserEmail).toBe('noah.lindqvist@example.com');
  });

  it('turns an empty last_check_in into a null lastSeenAt', () => {
    expect(removed.lastSeenAt).toBeNull();
  });

  it('leaves posture fields unset when the list says nothing about them', () => {
    expect('filevaultEnabled' in mac || 'sipEnabled' in mac || 'firewallEnabled' in mac || 'gatekeeperEnabled' in mac).toBe(false);
  });

  it('takes filevaultEnabled from the list when it carries filevault_enabled', () => {
    expect(mapDevice({ ...devices1[0], filevault_enabled: false }).filevaultEnabled).toBe(false);
  });
});

describe('flag and time normalisation', () => {
  it.each([
    [true, true],
    ['True', true],
    ['False', false],
    ['Yes', true],
    [0, false],
    [null, null],
    ['', null],
  ])('reads %p as %p', (input, expected) => {
    expect(toFlag(input)).toBe(expected);
  });

  it.each([
    ['2024-02-12 15:03:44.120331+00:00', '2024-02-12T15:03:44.120Z'],
    ['2025-05-18T17:23:13.883134', '2025-05-18T17:23:13.883Z'],
    ['2025-05-20T09:41:07.512344Z', '2025-05-20T09:41:07.512Z'],
    ['', null],
    ['not a date', null],
  ])('reads the timestamp %p as %p', (input, expected) => {
    expect(toIsoUtc(input)).toBe(expected);
  });
});

describe('mapBlueprint', () => {
  const [engineering, ipads] = fixture<DrfPage<KandjiBlueprint>>('kandji', 'blueprints.json').results.map(mapBlueprint);

  it('maps a blueprint to a kandji_blueprint policy with its device count', () => {
    expect(engineering).toEqual({
      externalId: '7c1e2d3a-4b5c-4d6e-8f90-a1b2c3d4e5f6',
      name: 'Engineering Macs',
      policyType: 'kandji_blueprint',
      description: 'Standard build for engineering laptops',
      enabled: true,
      deviceCount: 2,
    });
  });

  it('turns an empty description into null', () => {
    expect(ipads.description).toBeNull();
  });
});

describe('mapUser', () => {
  const [ava, mina] = fixture<CursorPage<KandjiUser>>('kandji', 'users_page1.json').results.map(mapUser);
  const [noah] = fixture<CursorPage<KandjiUser>>('kandji', 'users_page2.json').results.map(mapUser);

  it('maps a directory user with its IdP as the source', () => {
    expect(ava).toEqual({
      externalId: '3f6a9c2e-1b4d-4e8f-a7c5-2d9b0e1f3a4c',
      email: 'ava.reyes@example.com',
      name: 'Ava Reyes',
      department: 'Engineering',
      jobTitle: 'Staff Engineer',
      active: true,
      source: 'office365',
    });
  });

  it('keeps a null department and job title as null', () => {
    expect([mina.department, mina.jobTitle]).toEqual([null, null]);
  });

  it('maps an archived user to inactive', () => {
    expect(noah.active).toBe(false);
  });

  it('maps a user that is active but archived to inactive', () => {
    const [raw] = fixture<CursorPage<KandjiUser>>('kandji', 'users_page1.json').results;
    expect(mapUser({ ...raw, archived: true }).active).toBe(false);
  });
});

describe('mergePosture', () => {
  const pages = {
    filevault: prism('prism_filevault.json'),
    startup_settings: prism('prism_startup_settings.json'),
    application_firewall: prism('prism_application_firewall.json'),
    gatekeeper_and_xprotect: prism('prism_gatekeeper_and_xprotect.json'),
  };

  it('merges the four Prism categories into one posture record per device', () => {
    expect(mergePosture(pages)).toEqual([
      { externalId: '6b1f2e3d-4c5b-4a69-8877-665544332211', filevaultEnabled: true, sipEnabled: true, firewallEnabled: false, gatekeeperEnabled: true },
    ]);
  });

  it('leaves a field undefined for a device absent from that category page', () => {
    const other = { ...pages.filevault[0], device_id: 'other-device', status: 'False' };
    const merged = mergePosture({ ...pages, filevault: [...pages.filevault, other] });
    expect(merged.find((r) => r.externalId === 'other-device')).toEqual({ externalId: 'other-device', filevaultEnabled: false });
  });
});

describe('mapThreatDetail', () => {
  const [raw] = fixture<ThreatDetailsPage>('kandji', 'threat_details.json').results;
  const detection = mapThreatDetail(raw);

  it('derives a stable td: id from device, file hash and detection date', () => {
    expect(detection.externalId).toBe(threatDetailId({ device_id: raw.device_id, file_hash: raw.file_hash, detection_date: raw.detection_date }));
  });

  it('gives the id as td: and a sha256 hex digest', () => {
    expect(detection.externalId).toMatch(/^td:[0-9a-f]{64}$/);
  });

  it('reads the naive detection date as UTC', () => {
    expect(detection.detectedAt).toBe('2025-05-18T17:23:13.883Z');
  });

  it('rates quarantined malware high', () => {
    expect(detection.severity).toBe('high');
  });

  it('rates malware that is not quarantined critical', () => {
    expect(mapThreatDetail({ ...raw, status: 'NOT_QUARANTINED' }).severity).toBe('critical');
  });

  it('rates an unquarantined PUP medium', () => {
    expect(mapThreatDetail({ ...raw, classification: 'PUP', status: 'NOT_QUARANTINED' }).severity).toBe('medium');
  });

  it('links the detection to the Kandji device id', () => {
    expect(detection.deviceExternalId).toBe('6b1f2e3d-4c5b-4a69-8877-665544332211');
  });
});

describe('mapBehavioralDetection', () => {
  const [raw] = fixture<BehavioralDetectionsPage>('kandji', 'behavioral_detections.json').results;

  it('maps a malicious behavioural detection to a high detection on its device', () => {
    expect(mapBehavioralDetection(raw)).toEqual({
      externalId: 'AA97B8C8-7CBD-401A-9EC3-63A15A9936BC',
      title: 'KTI_BD_0141',
      severity: 'high',
      status: 'detected',
      classification: 'malicious',
      deviceExternalId: '6b1f2e3d-4c5b-4a69-8877-665544332211',
      detectedAt: '2025-05-19T17:40:15.984Z',
      description: 'Detects removal of a security tool by unloading its Launch Daemon.',
    });
  });

  it('rates a suspicious behavioural detection medium', () => {
    expect(mapBehavioralDetection({ ...raw, classification: 'suspicious' }).severity).toBe('medium');
  });
});

describe('mapCommandStatus', () => {
  const [done, queued] = fixture<DeviceCommandsResponse>('kandji', 'device_commands.json').commands.results;

  it('reads status 3 as completed', () => {
    expect(mapCommandStatus(done).status).toBe('completed');
  });

  it('reads status 1 as pending', () => {
    expect(mapCommandStatus(queued).status).toBe('pending');
  });

  it('reads any other status as failed', () => {
    expect(mapCommandStatus({ ...done, status: 5 }).status).toBe('failed');
  });
});
