import { Initial1764800000000 } from './1764800000000-initial';

/** Every migration, in order. Add new ones at the end; never edit one that has shipped. */
export const migrations = [Initial1764800000000];
