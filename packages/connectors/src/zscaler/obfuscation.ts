/**
 * ZIA's API-key obfuscation. `timestampMs` must be the very number sent as `timestamp` in the
 * login body: a second `Date.now()` or a time in seconds makes ZIA answer AUTHENTICATION_FAILED.
 */
export function obfuscateApiKey(apiKey: string, timestampMs: number): string {
  if (apiKey.length < 12) throw new Error('a ZIA API key has at least 12 characters');
  const high = String(timestampMs).slice(-6);
  const low = String(Number(high) >> 1).padStart(6, '0');
  let out = '';
  for (const d of high) out += apiKey[Number(d)];
  for (const d of low) out += apiKey[Number(d) + 2];
  return out;
}
