/**
 * What serving the tenant costs the sandbox alone: every request a full Kandji sync makes
 * (device pages, the four Prism posture categories per offset, user pages, detections), made
 * in the same order and with the same concurrency as the connector, by a client that only
 * downloads the bodies. Its time is the floor the sandbox puts under any sync of the tenant.
 */
export async function sandboxPassSeconds(baseUrl: string, token: string): Promise<{ seconds: number; requests: number; megabytes: number }> {
  const headers = { Authorization: `Bearer ${token}` };
  let requests = 0;
  let bytes = 0;
  const get = async (url: string): Promise<string> => {
    const res = await fetch(url.startsWith('http') ? url : `${baseUrl}${url}`, { headers });
    if (!res.ok) throw new Error(`${url}: ${res.status}`);
    const text = await res.text();
    requests++;
    bytes += Buffer.byteLength(text);
    return text;
  };
  const start = process.hrtime.bigint();
  await get('/api/v1/blueprints?limit=300&offset=0');
  for (let offset = 0; ; offset += 300) {
    // A device page is a bare array; an empty one ends the stream.
    if ((await get(`/api/v1/devices?limit=300&offset=${offset}`)) === '[]') break;
  }
  for (let offset = 0; ; offset += 300) {
    const pages = await Promise.all(['filevault', 'startup_settings', 'application_firewall', 'gatekeeper_and_xprotect'].map((c) => get(`/api/v1/prism/${c}?limit=300&offset=${offset}`)));
    if (pages.every((p) => (JSON.parse(p) as { data: unknown[] }).data.length < 300)) break;
  }
  for (let next: string | null = '/api/v1/users'; next; ) next = (JSON.parse(await get(next)) as { next: string | null }).next;
  for (const path of ['behavioral-detections', 'threat-details']) {
    for (let offset = 0; ; offset += 1000) if ((JSON.parse(await get(`/api/v1/${path}?limit=1000&offset=${offset}`)) as { next: string | null }).next === null) break;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { seconds: Number(seconds.toFixed(2)), requests, megabytes: Math.round(bytes / 1e6) };
}
