import { ConnectorError } from '../core';

type ParamType = 'string' | 'boolean' | 'object';

/** One body key of a device action: Kandji's PascalCase name and the snake_case alias callers may use. */
interface ParamSpec {
  key: string;
  alias: string;
  type: ParamType;
  required?: boolean;
}

/** A device action: its body keys and the MDM request types it shows up as in the command list. */
interface ActionSpec {
  params: readonly ParamSpec[];
  /** Apple MDM request types [inf]: used only to find the command's uuid after sending it. */
  requestTypes: readonly string[];
  /** At least one of these keys must be given (Apple requires a message or a phone number for Lost Mode). */
  anyOf?: readonly string[];
}

const str = (key: string, alias: string, required = false): ParamSpec => ({ key, alias, type: 'string', required });
const bool = (key: string, alias: string, required = false): ParamSpec => ({ key, alias, type: 'boolean', required });

/** Every device action the connector can send, by verb (the path segment of `/action/{verb}`). */
export const KANDJI_ACTIONS = {
  lock: { params: [str('Message', 'message'), str('PhoneNumber', 'phone_number')], requestTypes: ['DeviceLock'] },
  restart: { params: [bool('RebuildKernelCache', 'rebuild_kernel_cache'), bool('NotifyUser', 'notify_user')], requestTypes: ['RestartDevice'] },
  shutdown: { params: [], requestTypes: ['ShutDownDevice'] },
  blankpush: { params: [], requestTypes: [] },
  updateinventory: { params: [], requestTypes: ['DeviceInformation'] },
  erase: {
    params: [str('PIN', 'pin'), bool('PreserveDataPlan', 'preserve_data_plan'), bool('DisallowProximitySetup', 'disallow_proximity_setup'), { key: 'ReturnToService', alias: 'return_to_service', type: 'object' }],
    requestTypes: ['EraseDevice'],
  },
  clearpasscode: { params: [], requestTypes: ['ClearPasscode'] },
  reinstallagent: { params: [], requestTypes: ['InstallEnterpriseApplication'] },
  renewmdmprofile: { params: [], requestTypes: ['InstallProfile'] },
  setname: { params: [str('DeviceName', 'device_name', true)], requestTypes: ['Settings'] },
  enablelostmode: { params: [str('Message', 'message'), str('PhoneNumber', 'phone_number'), str('Footnote', 'footnote')], anyOf: ['Message', 'PhoneNumber'], requestTypes: ['EnableLostMode'] },
  disablelostmode: { params: [], requestTypes: ['DisableLostMode'] },
  playlostmodesound: { params: [], requestTypes: ['PlayLostModeSound'] },
  updatelocation: { params: [], requestTypes: ['DeviceLocation'] },
  remotedesktop: { params: [bool('EnableRemoteDesktop', 'enable_remote_desktop', true)], requestTypes: ['EnableRemoteDesktop', 'DisableRemoteDesktop'] },
  unlockaccount: { params: [str('UserName', 'user_name', true)], requestTypes: ['UnlockUserAccount'] },
} as const satisfies Record<string, ActionSpec>;

/** A verb the connector can send. */
export type KandjiVerb = keyof typeof KANDJI_ACTIONS;

/** A validated action, ready to POST. */
export interface KandjiAction {
  verb: KandjiVerb;
  body: Record<string, unknown> | undefined;
  requestTypes: readonly string[];
}

function isVerb(command: string): command is KandjiVerb {
  return Object.prototype.hasOwnProperty.call(KANDJI_ACTIONS, command);
}

function hasType(value: unknown, type: ParamType): boolean {
  if (type === 'object') return typeof value === 'object' && value !== null && !Array.isArray(value);
  return typeof value === type;
}

/** The request types a verb shows up as in the command list; empty for an unknown verb. */
export function requestTypesOf(verb: string): readonly string[] {
  return isVerb(verb) ? KANDJI_ACTIONS[verb].requestTypes : [];
}

/**
 * Checks a command's params and builds the PascalCase body Kandji expects. An unknown command
 * is `unsupported`; a missing or mistyped param is `rejected` before anything is sent.
 */
export function buildKandjiAction(command: string, params: Record<string, unknown>): KandjiAction {
  if (!isVerb(command)) throw new ConnectorError('unsupported', 'kandji', `Kandji has no command ${command}`);
  const spec: ActionSpec = KANDJI_ACTIONS[command];
  const body: Record<string, unknown> = {};
  for (const p of spec.params) {
    const value = params[p.key] ?? params[p.alias];
    if (value === undefined || value === null || value === '') {
      if (p.required) throw new ConnectorError('rejected', 'kandji', `${command} needs ${p.alias}`);
      continue;
    }
    if (!hasType(value, p.type)) throw new ConnectorError('rejected', 'kandji', `${command}: ${p.alias} must be a ${p.type}`);
    body[p.key] = value;
  }
  if (spec.anyOf && !spec.anyOf.some((k) => k in body)) {
    throw new ConnectorError('rejected', 'kandji', `${command} needs one of ${spec.anyOf.join(', ')}`);
  }
  return { verb: command, body: Object.keys(body).length > 0 ? body : undefined, requestTypes: spec.requestTypes };
}
