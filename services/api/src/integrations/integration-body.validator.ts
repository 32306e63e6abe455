import type { IntegrationEntity, IntegrationPatch } from '@trustsync/db';
import { outboundUrlProblem, type VendorModule } from '@trustsync/connectors';
import type { IntegrationType } from '@trustsync/model';
import { checkInput, rejectProblems, type FieldProblem } from '../http/input.validator';
import { AUTH_TYPES, READ_ONLY_FIELDS, type CreateIntegrationDto, type UpdateIntegrationDto } from './integration.dto';
import { toIntegrationPatch } from './integration-input.mapper';

/** What body validation needs to know beyond the DTO. */
export interface IntegrationRules {
  vendors: Record<IntegrationType, VendorModule>;
  /** Lets endpoints name any scheme, host and address (development, the sandbox demo). */
  allowPrivateEndpoints: boolean;
  /** Host patterns allowed besides each vendor's own. */
  endpointAllowlist: readonly string[];
}

const READ_ONLY = new Set<string>(READ_ONLY_FIELDS);

function withoutReadOnly(problems: FieldProblem[], body: unknown): FieldProblem[] {
  const sent = body !== null && typeof body === 'object' ? Object.keys(body) : [];
  const readOnly = sent.filter((f) => READ_ONLY.has(f));
  return [
    ...problems.filter((p) => !READ_ONLY.has(p.field)),
    ...readOnly.map((field) => ({ field, problems: [`${field} is read-only`] })),
  ];
}

async function settingsProblems(vendor: VendorModule, settings: unknown, rules: IntegrationRules): Promise<FieldProblem[]> {
  if (!vendor.settingsClass || settings === undefined) return [];
  const { problems } = await checkInput(vendor.settingsClass, settings, 'settings');
  // URLs in settings (Zscaler tokenUrl, Seraphic eventsUrl, ZPA/ZCC base URLs) are called like the endpoint: same check.
  for (const [key, value] of Object.entries(settings as Record<string, unknown>)) {
    if (typeof value !== 'string' || !/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) continue;
    const problem = outboundUrlProblem(value, { allowPrivate: rules.allowPrivateEndpoints, allowedHosts: rules.endpointAllowlist, vendorHosts: vendor.manifest.hosts });
    if (problem) problems.push({ field: key, problems: [`${key} ${problem}`] });
  }
  return problems.map((p) => ({ field: `settings.${p.field}`, problems: p.problems }));
}

function authProblems(vendor: VendorModule, authType: string | undefined, type: string): FieldProblem[] {
  if (authType === undefined) return [{ field: 'auth_type', problems: ['auth_type is required'] }];
  const allowed = [...new Set([...AUTH_TYPES, ...vendor.manifest.authTypes])];
  if (!allowed.includes(authType)) {
    return [{ field: 'auth_type', problems: [`auth_type for ${type} must be one of ${allowed.join(', ')}`] }];
  }
  return [];
}

/**
 * Validates a create (no `current`) or update body: DTO rules, read-only fields, the vendor's
 * settings class and auth types, at least one credential on create, and the endpoint policy.
 * Throws one ValidationError naming every bad field; returns the repository patch.
 */
export async function integrationPatchFrom(
  cls: typeof CreateIntegrationDto | typeof UpdateIntegrationDto,
  body: unknown,
  rules: IntegrationRules,
  current?: IntegrationEntity,
): Promise<IntegrationPatch> {
  const checked = await checkInput<CreateIntegrationDto | UpdateIntegrationDto>(cls, body, 'request body');
  const dto = checked.value;
  const problems = withoutReadOnly(checked.problems, body);
  const type = (dto.integration_type ?? current?.integrationType) as IntegrationType | undefined;
  const vendor = type ? rules.vendors[type] : undefined;
  const badFields = new Set(problems.map((p) => p.field.split('.')[0]));
  const patch = badFields.size === 0 ? toIntegrationPatch(dto) : {};

  if (vendor && type) {
    const typeChanged = current !== undefined && dto.integration_type !== undefined && dto.integration_type !== current.integrationType;
    if (!badFields.has('settings')) problems.push(...(await settingsProblems(vendor, dto.settings ?? (typeChanged ? current.settings : undefined), rules)));
    const authType = dto.auth_type ?? current?.authType ?? vendor.manifest.authTypes[0];
    if (!badFields.has('auth_type')) problems.push(...authProblems(vendor, authType, type));
    if (authType !== undefined) patch.authType = authType;
    const hasCredential = Object.values(dto.credentials ?? {}).some((v) => typeof v === 'string' && v !== '');
    if (!current && !hasCredential && !badFields.has('credentials') && !vendor.manifest.authTypes.includes('none')) {
      problems.push({ field: 'credentials', problems: [`credentials needs at least one field for ${type}`] });
    }
  }
  if (typeof dto.endpoint === 'string' && !badFields.has('endpoint')) {
    // The same guard the vendor HTTP client applies to every request; refusing early gives the precise field.
    const hosts = vendor?.manifest.hosts ?? [];
    const problem = outboundUrlProblem(dto.endpoint, { allowPrivate: rules.allowPrivateEndpoints, allowedHosts: rules.endpointAllowlist, vendorHosts: hosts });
    if (problem) problems.push({ field: 'endpoint', problems: [`endpoint ${problem}`] });
  }
  rejectProblems(problems, 'request body');
  return patch;
}
