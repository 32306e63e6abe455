import type { IntegrationPatch } from '@trustsync/db';
import { camelKeys } from '../http/snake-case';
import type { CredentialsDto, IntegrationFieldsDto } from './integration.dto';

/**
 * A validated body in the repository's camelCase. Only fields the client sent are present, so a
 * partial update changes nothing else; credential field names stay as configured.
 */
export function toIntegrationPatch(dto: IntegrationFieldsDto & { name?: string; integration_type?: string }): IntegrationPatch {
  const { credentials, ...rest } = dto;
  const patch = camelKeys(rest) as IntegrationPatch;
  if (credentials) patch.credentials = credentialFields(credentials);
  return patch;
}

function credentialFields(dto: CredentialsDto): Record<string, string> {
  return Object.fromEntries(Object.entries(dto).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}
