import type { ImportCounts, ImportOptions } from '@dirsync/domain';

/** Events of the `source-<sourceId>` streams: an FTP/FTPS source's configuration, checks and runs. */

export const SOURCE_STREAM_PREFIX = 'source-';
export const sourceStream = (sourceId: string): string => `${SOURCE_STREAM_PREFIX}${sourceId}`;

export const TLS_MODES = ['explicit', 'implicit', 'none'] as const;
/** explicit: AUTH TLS on the FTP port (usually 21); implicit: TLS from the first byte (usually 990); none: plain FTP. */
export type TlsMode = (typeof TLS_MODES)[number];

/** Additional authenticated data of a source's sealed password: it opens only for this source's record. */
export const passwordAad = (sourceId: string): string => `source:${sourceId}:password`;

/** A source's configuration as stored: the password only sealed (SecretBox), never in clear text. */
export interface SourceSettings {
  name: string;
  host: string;
  port: number;
  tls: TlsMode;
  user: string;
  /** `v1:<keyId>:…` sealed with the source's AAD, or null when no password is set. */
  sealedPassword: string | null;
  /** Absolute path on the server, e.g. `/imports/users.csv`. */
  remotePath: string;
  /** PEM certificate(s) trusted in addition to the system CAs, for self-signed or private-CA servers. */
  caCertificate: string | null;
  importOptions: Partial<ImportOptions>;
  /** Cron expression (5 or 6 fields) or null for manual runs only. */
  schedule: string | null;
  enabled: boolean;
}

/** Settings that work but expose what the source carries, in words an administrator can act on. */
export function settingsWarnings(settings: SourceSettings): string[] {
  if (settings.tls !== 'none') return [];
  const what = settings.sealedPassword !== null ? 'the password and the file (personal data) cross' : 'the file (personal data) crosses';
  return [`tls is none: ${what} the network in clear text; use explicit or implicit TLS`];
}

export interface StepResult {
  ok: boolean;
  /** Not attempted: an earlier step failed, or the step does not apply (TLS off). */
  skipped?: boolean;
  /** What happened, in words an administrator can act on. */
  message: string;
}

export interface CertificateInfo {
  subject: string;
  issuer: string;
  subjectAltName?: string;
  validFrom: string;
  validTo: string;
  fingerprint256: string;
  selfSigned: boolean;
}

export interface CheckResult {
  /** True when every step succeeded: a run would be able to fetch the file. */
  ok: boolean;
  checkedAt: string;
  reach: StepResult;
  tls: StepResult & { protocol?: string; certificate?: CertificateInfo };
  login: StepResult;
  file: StepResult & { size?: number; modifiedAt?: string | null };
}

export type RunTrigger = 'manual' | 'schedule' | 'retry';
/** `awaiting-approval`: the import was held by a guard; an administrator approves or rejects it. */
export type RunOutcome = 'imported' | 'unchanged' | 'retry-later' | 'awaiting-approval' | 'failed';

export interface FetchedFile {
  size: number;
  sha256: string;
  modifiedAt: string | null;
}

export interface SourceConfigured {
  sourceId: string;
  settings: SourceSettings;
  at: string;
}
export interface SourceChanged {
  sourceId: string;
  /** Only the fields that changed; `sealedPassword` only when a new password was given. */
  changes: Partial<SourceSettings>;
  at: string;
}
export interface SourceRemoved {
  sourceId: string;
  at: string;
}
export interface SourceChecked {
  sourceId: string;
  /** Unsaved checks are not recorded: only a saved source has a stream. */
  result: CheckResult;
}
export interface SourceRunStarted {
  sourceId: string;
  runId: string;
  trigger: RunTrigger;
  startedAt: string;
}
/** A run handed its file to the pipeline: recorded at once, so a run the process stopped during still names its import. */
export interface SourceRunImportRequested {
  sourceId: string;
  runId: string;
  importId: string;
  file: FetchedFile;
  importOptions: Partial<ImportOptions>;
}
export interface SourceRunFinished {
  sourceId: string;
  runId: string;
  outcome: RunOutcome;
  importId?: string;
  reason?: string;
  file?: FetchedFile;
  /** The import's counts, when it completed. */
  counts?: ImportCounts;
  dryRun?: boolean;
  /** The source's import options the import was requested with (since they are recorded). */
  importOptions?: Partial<ImportOptions>;
  finishedAt: string;
}

export type SourceEvent =
  | { type: 'SourceConfigured'; data: SourceConfigured }
  | { type: 'SourceChanged'; data: SourceChanged }
  | { type: 'SourceRemoved'; data: SourceRemoved }
  | { type: 'SourceChecked'; data: SourceChecked }
  | { type: 'SourceRunStarted'; data: SourceRunStarted }
  | { type: 'SourceRunImportRequested'; data: SourceRunImportRequested }
  | { type: 'SourceRunFinished'; data: SourceRunFinished };
export type SourceEventType = SourceEvent['type'];

export interface RunRecord {
  runId: string;
  trigger: RunTrigger;
  startedAt: string;
  status: 'running' | 'finished';
  outcome?: RunOutcome;
  importId?: string;
  reason?: string;
  file?: FetchedFile;
  counts?: ImportCounts;
  dryRun?: boolean;
  importOptions?: Partial<ImportOptions>;
  finishedAt?: string;
}

export interface SourceState {
  id: string;
  settings: SourceSettings;
  createdAt: string;
  updatedAt: string;
  removed: boolean;
  lastCheck: CheckResult | null;
  /** Oldest first. */
  runs: RunRecord[];
  /**
   * The file and import options of the last run whose import completed for real (not a dry run):
   * the same checksum with the same options is skipped. No options: recorded by an earlier version.
   */
  lastImported: { sha256: string; importId: string; importOptions?: Partial<ImportOptions> } | null;
}

/** Folds one event into a source's state (pure; the decider's evolve). */
export function evolveSource(state: SourceState | undefined, event: SourceEvent): SourceState | undefined {
  if (event.type === 'SourceConfigured') {
    const { sourceId, settings, at } = event.data;
    return { id: sourceId, settings, createdAt: at, updatedAt: at, removed: false, lastCheck: null, runs: [], lastImported: null };
  }
  if (!state) return state;
  switch (event.type) {
    case 'SourceChanged':
      return { ...state, settings: { ...state.settings, ...event.data.changes }, updatedAt: event.data.at };
    case 'SourceRemoved':
      return { ...state, removed: true, updatedAt: event.data.at };
    case 'SourceChecked':
      return { ...state, lastCheck: event.data.result };
    case 'SourceRunStarted': {
      const { runId, trigger, startedAt } = event.data;
      return { ...state, runs: [...state.runs, { runId, trigger, startedAt, status: 'running' }] };
    }
    case 'SourceRunImportRequested': {
      const { runId, importId, file, importOptions } = event.data;
      return { ...state, runs: state.runs.map((run) => (run.runId === runId ? { ...run, importId, file, importOptions } : run)) };
    }
    case 'SourceRunFinished': {
      const { sourceId: _sourceId, runId, ...finished } = event.data;
      const runs = state.runs.map((run) => (run.runId === runId ? { ...run, ...finished, status: 'finished' as const } : run));
      const { outcome, dryRun, importId, file, importOptions } = finished;
      const imported = outcome === 'imported' && !dryRun && importId !== undefined && file !== undefined;
      return { ...state, runs, lastImported: imported ? { sha256: file.sha256, importId, importOptions } : state.lastImported };
    }
  }
}
