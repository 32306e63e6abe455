import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { METRIC_NAMES } from './metric-names';

interface Panel {
  title?: string;
  type?: string;
  targets?: Array<{ expr?: string }>;
  panels?: Panel[];
}

const DASHBOARD = join(__dirname, '..', '..', '..', 'ops', 'grafana', 'trustsync-dashboard.json');
const HISTOGRAM_SERIES = /_(bucket|count|sum)$/;

function panelsOf(list: Panel[]): Panel[] {
  return list.flatMap((p) => [p, ...panelsOf(p.panels ?? [])]);
}

describe('ops/grafana/trustsync-dashboard.json', () => {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Panel[] };
  const graphs = panelsOf(dashboard.panels).filter((p) => p.type !== 'row');
  const exported = new Set<string>(Object.values(METRIC_NAMES));

  it('gives every panel a query', () => {
    expect(graphs.filter((p) => !(p.targets ?? []).some((t) => t.expr)).map((p) => p.title)).toEqual([]);
  });

  it('names only metric families the processes export', () => {
    const unknown = graphs
      .flatMap((p) => (p.targets ?? []).flatMap((t) => [...(t.expr ?? '').matchAll(/\btrustsync_[a-z0-9_]+/g)].map((m) => m[0])))
      .filter((name) => !exported.has(name) && !exported.has(name.replace(HISTOGRAM_SERIES, '')));
    expect(unknown).toEqual([]);
  });

  it('covers queues, syncs, vendors and webhooks', () => {
    const queries = graphs.flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? '')).join('\n');
    for (const family of [METRIC_NAMES.queueJobs, METRIC_NAMES.syncs, METRIC_NAMES.vendorRequests, METRIC_NAMES.webhookRequests]) expect(queries).toContain(family);
  });
});
