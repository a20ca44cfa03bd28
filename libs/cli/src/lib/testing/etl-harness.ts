import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { createEventStore, type RecordedEvent } from '@dirsync/event-store';
import { runCli } from '../cli';

export const repoRoot = resolve(__dirname, '../../../../..');
export const samplePath = (name: string): string => join(repoRoot, 'samples', name);

/**
 * A fresh data dir and scratch folder per test, and the CLI run in-process against them (the
 * same code path as `npm run -s etl`), with stdout and stderr captured.
 */
export class EtlHarness {
  readonly dataDir = mkdtempSync(join(tmpdir(), 'etl-data-'));
  readonly workDir = mkdtempSync(join(tmpdir(), 'etl-files-'));

  constructor() {
    process.env.ETL_DATA_DIR = this.dataDir;
  }

  dispose(): void {
    delete process.env.ETL_DATA_DIR;
    rmSync(this.dataDir, { recursive: true, force: true });
    rmSync(this.workDir, { recursive: true, force: true });
  }

  /** Writes a file in the scratch folder and returns its path. */
  file(name: string, content: string | Buffer): string {
    const path = join(this.workDir, name);
    writeFileSync(path, content);
    return path;
  }

  async etl(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, { out: (t) => (stdout += t), err: (t) => (stderr += t) });
    return { code, stdout, stderr };
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async importJson(file: string, ...flags: string[]): Promise<{ code: number; summary: any; stderr: string }> {
    const result = await this.etl('import', file, '--json', ...flags);
    return { code: result.code, stderr: result.stderr, summary: result.stdout ? JSON.parse(result.stdout) : undefined };
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async users(): Promise<any[]> {
    return JSON.parse((await this.etl('users', '--json')).stdout);
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async user(identifier: string): Promise<any> {
    return (await this.users()).find((u) => u.identifier === identifier);
  }

  /** The per-row report as objects keyed by the CSV header. */
  async report(importId: string): Promise<Record<string, string>[]> {
    return parse((await this.etl('report', importId, '--csv')).stdout, { columns: true });
  }

  async events(prefix = 'user-'): Promise<RecordedEvent[]> {
    const store = createEventStore({ kind: 'sqlite', file: join(this.dataDir, 'events.sqlite') });
    const events: RecordedEvent[] = [];
    for await (const event of store.readAll({ filter: { streamPrefixes: [prefix] } })) events.push(event);
    await store.close();
    return events;
  }
}
