/** Compares dotted version strings numerically (`14.10` is newer than `14.9`); missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.\s-]/).map((p) => Number.parseInt(p, 10));
  const pb = b.split(/[.\s-]/).map((p) => Number.parseInt(p, 10));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = Number.isFinite(pa[i]) ? pa[i] : 0;
    const y = Number.isFinite(pb[i]) ? pb[i] : 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
