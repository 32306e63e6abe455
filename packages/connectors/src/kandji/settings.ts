import { plainToInstance } from 'class-transformer';
import { IsIn, IsOptional, Matches, validateSync } from 'class-validator';
import { ConnectorError } from '../core';

/** Kandji tenant regions; the notes allow `""` for US. */
export const KANDJI_REGIONS = ['us', 'eu'] as const;
export type KandjiRegion = (typeof KANDJI_REGIONS)[number];

/** Host families: the original kandji.io hosts and the iru.com hosts of migrated tenants. */
export const KANDJI_HOST_FAMILIES = ['kandji', 'iru'] as const;
export type KandjiHostFamily = (typeof KANDJI_HOST_FAMILIES)[number];

/** The `settings` JSON of a Kandji integration. */
export class KandjiSettings {
  @IsOptional()
  @Matches(/^[a-z0-9-]+$/, { message: 'subdomain may contain only a-z, 0-9 and -' })
  subdomain?: string;

  @IsOptional()
  @IsIn([...KANDJI_REGIONS, ''])
  region?: KandjiRegion | '' = 'us';

  @IsOptional()
  @IsIn(KANDJI_HOST_FAMILIES)
  host_family?: KandjiHostFamily = 'kandji';
}

/** Validates an integration's settings, reporting every problem at once as a `rejected` error. */
export function parseKandjiSettings(raw: Record<string, unknown>): KandjiSettings {
  const settings = plainToInstance(KandjiSettings, raw ?? {});
  const errors = validateSync(settings, { validationError: { target: false, value: false } });
  if (errors.length > 0) {
    const problems = errors.flatMap((e) => Object.values(e.constraints ?? {}));
    throw new ConnectorError('rejected', 'kandji', `invalid Kandji settings: ${problems.join('; ')}`);
  }
  return settings;
}

/** Where a Kandji API lives: a full endpoint, or the parts its host is built from. */
export interface KandjiLocation {
  endpoint?: string | null;
  subdomain?: string;
  region?: KandjiRegion | '' | null;
  hostFamily?: KandjiHostFamily;
}

/**
 * The API base URL without `/api/v1`. A given endpoint wins (trailing `/`, `/api` and `/api/v1`
 * stripped); otherwise the host is built with the region label after `api.`
 * (`<sub>.api.eu.kandji.io`, never `<sub>.eu.api.kandji.io`).
 */
export function kandjiBaseUrl(loc: KandjiLocation): string {
  const endpoint = loc.endpoint?.trim();
  if (endpoint) {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw new ConnectorError('rejected', 'kandji', 'the Kandji endpoint is not a URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConnectorError('rejected', 'kandji', 'the Kandji endpoint must be http(s)');
    return `${url.origin}${url.pathname}`.replace(/\/+$/, '').replace(/\/api(\/v1)?$/i, '');
  }
  if (!loc.subdomain) throw new ConnectorError('rejected', 'kandji', 'a Kandji integration needs an endpoint or a subdomain');
  const domain = loc.hostFamily === 'iru' ? 'iru.com' : 'kandji.io';
  const regionLabel = loc.region === 'eu' ? 'eu.' : '';
  return `https://${loc.subdomain}.api.${regionLabel}${domain}`;
}
