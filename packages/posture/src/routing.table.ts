import { INTEGRATION_TYPES, type IntegrationType } from '@trustsync/model';

/** What changed about a device, as far as pushing goes. */
export type PostureChange = 'compliance' | 'risk' | 'threat' | 'status';

/** The vendors each change is meant for, as in the original design (`all` = every configured tool). */
export const ROUTING_TABLE: Record<PostureChange, readonly IntegrationType[]> = {
  compliance: ['kandji', 'zscaler', 'seraphic', 'okta'],
  risk: ['zscaler', 'seraphic'],
  threat: INTEGRATION_TYPES,
  // MDM (Kandji) and network (Zscaler) tools.
  status: ['kandji', 'zscaler'],
};

/** What a push carries: the compliance state or the risk state. */
export type PushKind = 'compliance' | 'risk';

/** Which changes make each kind of push: a threat or a status change moves both states. */
const CARRIED_BY: Record<PushKind, readonly PostureChange[]> = {
  compliance: ['compliance', 'threat', 'status'],
  risk: ['risk', 'threat'],
};

/** The vendor types a push of `kind` goes to for this set of changes (the union of their routes). */
export function routeFor(kind: PushKind, changes: readonly PostureChange[], table: Record<PostureChange, readonly IntegrationType[]> = ROUTING_TABLE): IntegrationType[] {
  const out = new Set<IntegrationType>();
  for (const change of changes) if (CARRIED_BY[kind].includes(change)) for (const t of table[change]) out.add(t);
  return INTEGRATION_TYPES.filter((t) => out.has(t));
}
