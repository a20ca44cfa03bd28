import { type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULT_GUARD_THRESHOLDS, importStream } from '@dirsync/domain';
import { EVENT_STORE, type EventStore } from '@dirsync/event-store';
import { ImportRunner, loadSettings, PipelineModule, type Settings } from '@dirsync/pipeline';
import { CatalogReadModel, DirectoryReadModel, ProjectionRunner } from '@dirsync/projections';
import { Instruments } from './instrument';
import type { Phases, ScenarioMeasurement } from './types';
import { cpuMsSince } from './cpu-time';

/**
 * The CLI's settings (from the environment, e.g. ETL_HEAP_GROWTH_PERCENT) for a data dir, except
 * the mass-disable guard: the bench measures disabling 1 % of a million users (10,000), which the
 * default guard (500) would hold for approval.
 */
function benchSettings(dataDir: string): Settings {
  const settings = loadSettings({ ...process.env, ETL_DATA_DIR: dataDir });
  return { ...settings, guards: { ...DEFAULT_GUARD_THRESHOLDS, maxDisables: Number.MAX_SAFE_INTEGER } };
}

/** Boots the pipeline the way `etl import` does (transformation and loading workers in-process, no live projections). */
async function boot(dataDir: string, runStages: boolean): Promise<{ app: INestApplicationContext; bootMs: number }> {
  const start = performance.now();
  const app = await NestFactory.createApplicationContext(
    PipelineModule.forRoot({ settings: benchSettings(dataDir), stages: { transformation: runStages, loading: runStages, projections: false } }),
    { logger: ['error', 'warn'] },
  );
  return { app, bootMs: performance.now() - start };
}

function instrumentPipeline(app: INestApplicationContext, instruments: Instruments): void {
  const store = app.get<EventStore>(EVENT_STORE);
  const eventsOf = (args: unknown[]) => (args[0] as { events: unknown[] }[]).reduce((n, request) => n + request.events.length, 0);
  instruments.timeSync(store, 'appendBatch', 'EventStore.appendBatch (events)', eventsOf);
  instruments.countIterable(store, 'readStream', 'EventStore.readStream (events yielded)');
  instruments.countIterable(store, 'readAll', 'EventStore.readAll (events yielded)');
  instruments.timeSync(store, 'headPosition', 'EventStore.headPosition');
  instruments.timeSync(app.get(DirectoryReadModel), 'findBy', 'DirectoryReadModel.findBy');
  instruments.timeSync(app.get(CatalogReadModel), 'find', 'CatalogReadModel.find');
  const runner = app.get(ProjectionRunner);
  instruments.timeSync(runner as unknown as { applyBatch: (batch: unknown[]) => void }, 'applyBatch', 'ProjectionRunner.applyBatch (events)', (args) => (args[0] as unknown[]).length);
}

/** Imports one file end to end: file to completed, read models caught up (ImportRunner.run, as `etl import`). */
export async function importScenario(spec: { file: string; dataDir: string; disableMissing: boolean; instrument: boolean }): Promise<Omit<ScenarioMeasurement, 'peakRssMb'>> {
  const { app, bootMs } = await boot(spec.dataDir, true);
  try {
    const store = app.get<EventStore>(EVENT_STORE);
    const instruments = new Instruments();
    if (spec.instrument) instrumentPipeline(app, instruments);
    // Always timed (one wrapper per pass, negligible): splits the last phase into waiting and projecting.
    const catchUp = instruments.timeAsync(app.get(ProjectionRunner), 'catchUp', 'ProjectionRunner.catchUp');

    const headBefore = await store.headPosition();
    const startedAt = Date.now();
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    const summary = await app.get(ImportRunner).run({
      filePath: spec.file,
      fileName: basename(spec.file),
      options: { disableMissing: spec.disableMissing },
      source: { kind: 'cli' },
      requestedBy: 'bench',
    });
    const wallMs = performance.now() - start;
    const cpuMs = cpuMsSince(cpuStart);
    const endedAt = Date.now();
    const headAfter = await store.headPosition();
    const importStreamEvents = ((await store.streamRevision(importStream(summary.id))) ?? -1) + 1;
    return {
      wallMs,
      cpuMs,
      bootMs,
      rows: summary.totalRows ?? undefined,
      events: headAfter - headBefore,
      importStreamEvents,
      status: summary.status,
      counts: summary.counts ?? undefined,
      phases: await importPhases(store, summary.id, startedAt, endedAt, catchUp.last()),
      instrumentation: spec.instrument ? instruments.counters : undefined,
      directoryUsers: app.get(DirectoryReadModel).count(),
    };
  } finally {
    await app.close();
  }
}

/**
 * Where an import's wall time went, from the recordedAt of the events each stage appended: no
 * change to the pipeline needed, and available for every run (millisecond resolution).
 */
async function importPhases(store: EventStore, importId: string, startedAt: number, endedAt: number, lastCatchUpMs: number): Promise<Phases> {
  const first = new Map<string, number>();
  for await (const event of store.readStream(importStream(importId))) {
    if (!first.has(event.type)) first.set(event.type, Date.parse(event.recordedAt));
  }
  const at = (type: string) => first.get(type);
  const span = (from: number | undefined, to: number | undefined) => (from !== undefined && to !== undefined ? Math.max(0, to - from) : undefined);
  const requested = at('ImportRequested');
  const transformed = at('ImportTransformed') ?? at('ImportFailed');
  const rowsPlanned = at('ImportRowsPlanned');
  const planned = at('ImportPlanned');
  const completed = at('ImportCompleted') ?? at('ImportAwaitingApproval') ?? at('ImportFailed');
  const phases: Record<string, number | undefined> = {
    'store file (sha256 copy) + request': span(startedAt, requested),
    'transform (parse, validate, records blob)': span(requested, transformed),
    // Row results are recorded as rows are planned: the first chunk marks the end of the claims pass.
    'plan: catch-up, claims pass': span(transformed, rowsPlanned ?? planned),
    'plan: decide rows (look-ups, plan blob, row results)': span(rowsPlanned, planned),
    'apply (user event appends)': span(planned, completed),
    'settle (waitUntilSettled poll)': completed === undefined ? undefined : Math.max(0, endedAt - completed - lastCatchUpMs),
    'projections catch-up': lastCatchUpMs,
  };
  return Object.fromEntries(Object.entries(phases).filter((entry): entry is [string, number] => entry[1] !== undefined));
}

/** Drops the read models and projects the whole log again (`etl replay`). */
export async function replayScenario(spec: { dataDir: string; instrument: boolean }): Promise<Omit<ScenarioMeasurement, 'peakRssMb'>> {
  const { app, bootMs } = await boot(spec.dataDir, false);
  try {
    const instruments = new Instruments();
    if (spec.instrument) instrumentPipeline(app, instruments);
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    const events = await app.get(ProjectionRunner).rebuild();
    const wallMs = performance.now() - start;
    return {
      wallMs,
      cpuMs: cpuMsSince(cpuStart),
      bootMs,
      events,
      instrumentation: spec.instrument ? instruments.counters : undefined,
      directoryUsers: app.get(DirectoryReadModel).count(),
    };
  } finally {
    await app.close();
  }
}
