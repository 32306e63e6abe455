/**
 * Parses RFC 8288 `Link` headers into `rel → URL`. Node joins repeated `link` lines with ", ",
 * and a decoded URL may itself hold commas, so values are split only outside `<…>`.
 */
export function parseLinkHeader(value: string | string[] | undefined | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (!value) return out;
  const text = Array.isArray(value) ? value.join(', ') : value;
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '<') depth++;
    else if (ch === '>') depth = Math.max(0, depth - 1);
    else if (ch === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  for (const part of parts) {
    const url = /<([^>]*)>/.exec(part)?.[1];
    const rels = /;\s*rel\s*=\s*"?([^";]+)"?/i.exec(part)?.[1];
    if (!url || !rels) continue;
    for (const rel of rels.trim().split(/\s+/)) out[rel.toLowerCase()] = url;
  }
  return out;
}
