import { Initial1764800000000 } from './1764800000000-initial';
import { Webhooks1764900000000 } from './1764900000000-webhooks';
import { Pushes1764900001000 } from './1764900001000-pushes';
import { Scale1764900002000 } from './1764900002000-scale';
import { SeenItems1764900003000 } from './1764900003000-seen-items';
import { Operations1764900005000 } from './1764900005000-operations';
import { AuthTypeLength1764900006000 } from './1764900006000-auth-type-length';
import { Security1764900007000 } from './1764900007000-security';
import { AppliedEventsIndex1764900008000 } from './1764900008000-applied-events-index';

/** Every migration, in order. Add new ones at the end; never edit one that has shipped. */
export const migrations = [Initial1764800000000, Webhooks1764900000000, Pushes1764900001000, Scale1764900002000, SeenItems1764900003000, Operations1764900005000, AuthTypeLength1764900006000, Security1764900007000, AppliedEventsIndex1764900008000];
