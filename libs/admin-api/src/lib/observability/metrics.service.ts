import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@dirsync/event-store';
import { ProjectionRunner, READ_MODEL_DB, type ReadModelDb } from '@dirsync/projections';

type Labels = Record<string, string>;

/** Counters of this process, and gauges read from the log and the read models when scraped. */
@Injectable()
export class MetricsService {
  private readonly counters = new Map<string, { help: string; values: Map<string, number> }>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODEL_DB) private readonly db: ReadModelDb,
    private readonly projections: ProjectionRunner,
  ) {
    this.define('dirsync_http_requests_total', 'HTTP requests answered, by method and status code');
    this.define('dirsync_auth_failures_total', 'requests refused for a missing or unknown bearer token');
    this.define('dirsync_uploads_total', 'uploads received over the API, by outcome (accepted, failed, too-large, throttled, refused)');
  }

  httpRequest(method: string, path: string, status: number): void {
    this.increment('dirsync_http_requests_total', { method, status: String(status) });
    if (method === 'POST' && /^\/api\/imports\/?(\?|$)/.test(path)) {
      const outcome = status < 300 ? 'accepted' : status === 413 ? 'too-large' : status === 429 ? 'throttled' : status === 422 ? 'failed' : 'refused';
      this.increment('dirsync_uploads_total', { outcome });
    }
  }
  authFailure(): void {
    this.increment('dirsync_auth_failures_total', {});
  }

  /** Prometheus text exposition format 0.0.4. */
  async render(): Promise<string> {
    const head = await this.store.headPosition();
    const position = this.projections.position();
    const lines: string[] = [];
    const gauge = (name: string, help: string, type: 'gauge' | 'counter', samples: [Labels, number][]) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, value] of samples) lines.push(`${name}${labelText(labels)} ${value}`);
    };
    // Positions count from 0: the head position is the number of events minus one (-1 when empty).
    gauge('dirsync_events_total', 'events in the log', 'counter', [[{}, head + 1]]);
    gauge('dirsync_projection_position', 'last event the read models include', 'gauge', [[{}, position]]);
    gauge('dirsync_projection_lag_events', 'events the read models are behind the log', 'gauge', [[{}, Math.max(0, head - position)]]);
    const imports = this.db.prepare('SELECT status, count(*) AS n FROM imports GROUP BY status ORDER BY status').all() as { status: string; n: number }[];
    gauge('dirsync_imports', 'imports in the read model, by status', 'gauge', imports.map(({ status, n }) => [{ status }, n]));
    for (const [name, { help, values }] of this.counters) {
      gauge(name, help, 'counter', [...values].map(([key, value]) => [JSON.parse(key) as Labels, value]));
    }
    return `${lines.join('\n')}\n`;
  }

  private define(name: string, help: string): void {
    this.counters.set(name, { help, values: new Map() });
  }

  private increment(name: string, labels: Labels): void {
    const values = this.counters.get(name)?.values;
    if (!values) return;
    const key = JSON.stringify(labels);
    values.set(key, (values.get(key) ?? 0) + 1);
  }
}

const labelText = (labels: Labels): string => {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',')}}`;
};
