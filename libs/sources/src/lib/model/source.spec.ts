import { sourceSettings } from '../testing/source-settings';
import { evolveSource, settingsWarnings, type SourceEvent, type SourceState } from './source';

const settings = sourceSettings({ sealedPassword: 'v1:k:i:t:c' });

const fold = (events: SourceEvent[]): SourceState | undefined => events.reduce<SourceState | undefined>(evolveSource, undefined);
const file = (sha256: string) => ({ size: 1, sha256, modifiedAt: null });

describe('evolveSource', () => {
  it('applies changes over the configuration and keeps what a change omits', () => {
    const state = fold([
      { type: 'SourceConfigured', data: { sourceId: 's', settings, at: 't0' } },
      { type: 'SourceChanged', data: { sourceId: 's', changes: { name: 'HR 2', schedule: '0 * * * *' }, at: 't1' } },
    ]);
    expect(state?.settings).toEqual({ ...settings, name: 'HR 2', schedule: '0 * * * *' });
    expect(state).toMatchObject({ createdAt: 't0', updatedAt: 't1', removed: false });
  });

  it('tracks runs and remembers the file of the last real import only', () => {
    const state = fold([
      { type: 'SourceConfigured', data: { sourceId: 's', settings, at: 't0' } },
      { type: 'SourceRunStarted', data: { sourceId: 's', runId: 'r1', trigger: 'manual', startedAt: 't1' } },
      { type: 'SourceRunFinished', data: { sourceId: 's', runId: 'r1', outcome: 'imported', importId: 'i1', file: file('a'), importOptions: { domain: 'example.com' }, finishedAt: 't2' } },
      { type: 'SourceRunStarted', data: { sourceId: 's', runId: 'r2', trigger: 'schedule', startedAt: 't3' } },
      { type: 'SourceRunFinished', data: { sourceId: 's', runId: 'r2', outcome: 'imported', importId: 'i2', file: file('b'), dryRun: true, finishedAt: 't4' } },
      { type: 'SourceRunStarted', data: { sourceId: 's', runId: 'r3', trigger: 'schedule', startedAt: 't5' } },
      { type: 'SourceRunFinished', data: { sourceId: 's', runId: 'r3', outcome: 'failed', importId: 'i3', file: file('c'), finishedAt: 't6' } },
      { type: 'SourceRunStarted', data: { sourceId: 's', runId: 'r4', trigger: 'manual', startedAt: 't7' } },
    ]);
    expect(state?.lastImported).toEqual({ sha256: 'a', importId: 'i1', importOptions: { domain: 'example.com' } });
    expect(state?.runs.map((run) => [run.runId, run.status, run.outcome])).toEqual([
      ['r1', 'finished', 'imported'],
      ['r2', 'finished', 'imported'],
      ['r3', 'finished', 'failed'],
      ['r4', 'running', undefined],
    ]);
  });

  it('ignores events before the configuration', () => {
    expect(fold([{ type: 'SourceRemoved', data: { sourceId: 's', at: 't' } }])).toBeUndefined();
  });
});

describe('settingsWarnings', () => {
  it('warns of clear text without TLS, naming the password only when one is set', () => {
    expect(settingsWarnings(sourceSettings({ tls: 'explicit', sealedPassword: 'v1:k:i:t:c' }))).toEqual([]);
    expect(settingsWarnings(sourceSettings({ tls: 'implicit' }))).toEqual([]);
    expect(settingsWarnings(sourceSettings({ tls: 'none', sealedPassword: 'v1:k:i:t:c' }))).toEqual([
      'tls is none: the password and the file (personal data) cross the network in clear text; use explicit or implicit TLS',
    ]);
    expect(settingsWarnings(sourceSettings({ tls: 'none', sealedPassword: null }))).toEqual([
      'tls is none: the file (personal data) crosses the network in clear text; use explicit or implicit TLS',
    ]);
  });
});
