import { InMemoryEventStore, type ReadStreamOptions } from '@dirsync/event-store';
import { DEFAULT_IMPORT_OPTIONS, emptyCounts, type ImportEvent } from '@dirsync/domain';
import { ImportLog } from './import-log';
import { StageWorker } from './stage-worker';
import { LeaseTurns } from './stage-turns';

const requested = (importId: string): ImportEvent & { name: string } => ({
  name: 'requested',
  type: 'ImportRequested',
  data: {
    importId, fileName: 'u.csv', file: { sha256: 'a'.repeat(64), size: 1 }, format: 'csv', options: DEFAULT_IMPORT_OPTIONS,
    source: { kind: 'cli' }, requestedBy: 'test', requestedAt: '2026-01-01T00:00:00.000Z',
  },
});
const completed = (importId: string): ImportEvent & { name: string } => ({
  name: 'completed',
  type: 'ImportCompleted',
  data: { importId, counts: emptyCounts(), dryRun: false, completedAt: '2026-01-01T00:00:01.000Z' },
});

describe('ImportLog', () => {
  it('folds the stream into the import state and its revision', async () => {
    const log = new ImportLog(new InMemoryEventStore());
    await log.append('i1', -1, [requested('i1')]);
    expect(await log.read('i1')).toMatchObject({ revision: 0, state: { importId: 'i1', status: 'requested' } });
    expect(await log.read('missing')).toBeUndefined();
  });

  it('writes an event once when a stage repeats the same step after a crash', async () => {
    const store = new InMemoryEventStore();
    const log = new ImportLog(store);
    await log.append('i1', -1, [requested('i1')]);
    await log.append('i1', 0, [completed('i1')]);
    await log.append('i1', 0, [completed('i1')]); // the retry
    expect(await store.streamRevision('import-i1')).toBe(1);
  });

  it('reads no row chunks, yet returns the revision after them, so the next append is at the head', async () => {
    const store = new InMemoryEventStore();
    const log = new ImportLog(store);
    const rowChunk = (name: string): ImportEvent & { name: string } => ({ name, type: 'ImportRowsPlanned', data: { importId: 'i1', planNumber: 1, rows: [] } });
    await log.append('i1', -1, [requested('i1'), rowChunk('rows-0'), rowChunk('rows-1')]);
    const readTypes: string[] = [];
    const readStream = store.readStream.bind(store);
    store.readStream = async function* (streamId: string, options?: ReadStreamOptions) {
      for await (const event of readStream(streamId, options)) yield (readTypes.push(event.type), event);
    };

    const read = await log.read('i1');
    expect(read).toMatchObject({ revision: 2, state: { status: 'requested' } });
    await log.append('i1', read?.revision ?? -1, [completed('i1')]);
    await expect(log.waitUntilSettled('i1', 5)).resolves.toMatchObject({ status: 'completed' });
    expect(readTypes).toEqual(['ImportRequested', 'ImportRequested', 'ImportCompleted']);
  });

  it('resolves waitUntilSettled once the import completes', async () => {
    const log = new ImportLog(new InMemoryEventStore());
    await log.append('i1', -1, [requested('i1')]);
    const finished = log.waitUntilSettled('i1', 5);
    await log.append('i1', 0, [completed('i1')]);
    await expect(finished).resolves.toMatchObject({ status: 'completed' });
  });
});

describe('StageWorker', () => {
  it('hands each event of its type to the stage and resumes after its checkpoint', async () => {
    const store = new InMemoryEventStore();
    const log = new ImportLog(store);
    await log.append('i1', -1, [requested('i1')]);
    await log.append('i1', 0, [completed('i1')]);
    const seen: string[] = [];
    const first = new StageWorker(store, 'test', ['ImportRequested'], async (id) => void seen.push(id));
    await first.start();
    await first.whenCaughtUp();
    await first.stop();
    expect(seen).toEqual(['i1']);

    await log.append('i2', -1, [requested('i2')]);
    const second = new StageWorker(store, 'test', ['ImportRequested'], async (id) => void seen.push(id));
    await second.start();
    await second.whenCaughtUp();
    await second.stop();
    expect(seen).toEqual(['i1', 'i2']);
  });
});

describe('StageWorker as a competing consumer', () => {
  it('handles each import once when two workers of one stage share the store', async () => {
    const store = new InMemoryEventStore();
    const log = new ImportLog(store);
    for (const id of ['i1', 'i2', 'i3']) await log.append(id, -1, [requested(id)]);
    const handled: string[] = [];
    const work = async (id: string) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      handled.push(id);
    };
    // Two processes of one stage: both see every import, and the lease lets one handle each.
    const one = new StageWorker(store, 'race', ['ImportRequested'], work, new LeaseTurns(store));
    const two = new StageWorker(store, 'race', ['ImportRequested'], work, new LeaseTurns(store));
    await Promise.all([one.start(), two.start()]);
    await Promise.all([one.whenCaughtUp(), two.whenCaughtUp()]);
    await Promise.all([one.stop(), two.stop()]);
    expect(handled.sort()).toEqual(['i1', 'i2', 'i3']);
  });
});
