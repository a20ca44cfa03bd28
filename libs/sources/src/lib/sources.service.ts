import { BadRequestException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DEFAULT_IMPORT_OPTIONS, optionProblems, type ImportOptions } from '@dirsync/domain';
import { WrongExpectedRevisionError } from '@dirsync/event-store';
import { SecretBox, SecretDecryptionError } from '@dirsync/secrets';
import { importOptionsFrom, type CreateSourceDto, type FtpEndpointDto, type UpdateSourceDto } from './api/source.dto';
import { checkConnection } from './ftp/connection-check';
import type { FtpEndpoint } from './ftp/endpoint';
import { passwordAad, settingsWarnings, type CheckResult, type RunRecord, type SourceSettings, type SourceState, type TlsMode } from './model/source';
import { SourceRepository } from './model/source-repository';
import { endpointOf, SourceRunner } from './runs/source-runner';
import { SourceScheduler } from './runs/source-scheduler';
import { SOURCES_OPTIONS, type ResolvedSourcesOptions } from './sources.options';

/** A source as the API shows it: the password only as `passwordSet`. */
export interface SourceView {
  id: string;
  name: string;
  host: string;
  port: number;
  tls: TlsMode;
  user: string;
  passwordSet: boolean;
  remotePath: string;
  caCertificate: string | null;
  importOptions: Partial<ImportOptions>;
  schedule: string | null;
  enabled: boolean;
  nextRunAt: string | null;
  createdAt: string;
  updatedAt: string;
  lastCheck: CheckResult | null;
  lastRun: RunRecord | null;
  /** What an administrator should change, in words (empty when nothing). */
  warnings: string[];
}

export const defaultPort = (tls: TlsMode): number => (tls === 'implicit' ? 990 : 21);

const MAX_CONFLICT_RETRIES = 5;

/** The sources' use cases, behind the REST controller. */
@Injectable()
export class SourcesService {
  constructor(
    private readonly sources: SourceRepository,
    private readonly secrets: SecretBox,
    private readonly runner: SourceRunner,
    private readonly scheduler: SourceScheduler,
    @Inject(SOURCES_OPTIONS) private readonly options: ResolvedSourcesOptions,
  ) {}

  async create(dto: CreateSourceDto): Promise<SourceView> {
    const id = randomUUID();
    const settings: SourceSettings = {
      name: dto.name,
      host: dto.host,
      port: dto.port ?? defaultPort(dto.tls),
      tls: dto.tls,
      user: dto.user,
      sealedPassword: dto.password !== undefined ? this.secrets.seal(dto.password, passwordAad(id)) : null,
      remotePath: dto.remotePath,
      caCertificate: dto.caCertificate ?? null,
      importOptions: checkedImportOptions(dto.importOptions),
      schedule: dto.schedule ?? null,
      enabled: dto.enabled ?? true,
    };
    await this.sources.append(id, [{ type: 'SourceConfigured', data: { sourceId: id, settings, at: new Date().toISOString() } }], 'no-stream');
    return this.afterChange(id);
  }

  async list(): Promise<SourceView[]> {
    return (await this.sources.list()).map((state) => this.view(state));
  }

  async get(id: string): Promise<SourceView> {
    return this.view(await this.load(id));
  }

  /** Applies the given fields; absent ones (the password too) are kept. */
  async update(id: string, dto: UpdateSourceDto): Promise<SourceView> {
    for (let attempt = 1; ; attempt++) {
      const { state, revision } = await this.loadWithRevision(id);
      const changes = this.changesOf(state, dto);
      if (Object.keys(changes).length === 0) return this.view(state);
      try {
        await this.sources.append(id, [{ type: 'SourceChanged', data: { sourceId: id, changes, at: new Date().toISOString() } }], revision);
        return this.afterChange(id);
      } catch (error) {
        // A run or check appended meanwhile: decide again on the fresh state.
        if (!(error instanceof WrongExpectedRevisionError) || attempt >= MAX_CONFLICT_RETRIES) throw error;
      }
    }
  }

  async remove(id: string): Promise<void> {
    await this.load(id);
    await this.sources.append(id, [{ type: 'SourceRemoved', data: { sourceId: id, at: new Date().toISOString() } }]);
    this.scheduler.apply(id, undefined);
  }

  /** Checks a saved source and records the result. */
  async check(id: string): Promise<CheckResult> {
    const state = await this.load(id);
    let endpoint: FtpEndpoint;
    try {
      endpoint = endpointOf(state, this.secrets);
    } catch (error) {
      if (!(error instanceof SecretDecryptionError)) throw error;
      throw new BadRequestException(`the stored password of this source cannot be opened (${error.message}): set it again`);
    }
    const result = await checkConnection(endpoint, this.options.ftpTimeoutMs);
    await this.sources.append(id, [{ type: 'SourceChecked', data: { sourceId: id, result } }]);
    return result;
  }

  /** Checks a configuration before it is saved; nothing is recorded. */
  checkUnsaved(dto: FtpEndpointDto): Promise<CheckResult> {
    return checkConnection(
      {
        host: dto.host,
        port: dto.port ?? defaultPort(dto.tls),
        tls: dto.tls,
        user: dto.user,
        password: dto.password ?? '',
        remotePath: dto.remotePath,
        caCertificate: dto.caCertificate ?? null,
      },
      this.options.ftpTimeoutMs,
    );
  }

  /** Starts a run (or joins the one going); with `wait`, resolves once it finished. */
  async run(id: string, wait: boolean): Promise<RunRecord & { joined: boolean }> {
    const { run, joined, done } = await this.runner.start(id, 'manual');
    return { ...(wait ? await done : run), joined };
  }

  /** Runs, newest first. */
  async runs(id: string, offset: number, limit: number): Promise<{ total: number; offset: number; limit: number; items: RunRecord[] }> {
    const { runs } = await this.load(id);
    const newestFirst = [...runs].reverse();
    return { total: runs.length, offset, limit, items: newestFirst.slice(offset, offset + limit) };
  }

  private changesOf(state: SourceState, dto: UpdateSourceDto): Partial<SourceSettings> {
    const current = state.settings;
    const next: Partial<SourceSettings> = {};
    const take = <K extends keyof SourceSettings>(key: K, value: SourceSettings[K] | undefined) => {
      if (value !== undefined && JSON.stringify(value) !== JSON.stringify(current[key])) next[key] = value;
    };
    take('name', dto.name);
    take('host', dto.host);
    take('tls', dto.tls);
    // A new TLS mode without a port moves to that mode's usual port when the old one was the usual one.
    const tls = dto.tls ?? current.tls;
    take('port', dto.port ?? (dto.tls && current.port === defaultPort(current.tls) ? defaultPort(tls) : undefined));
    take('user', dto.user);
    take('remotePath', dto.remotePath);
    take('caCertificate', dto.caCertificate);
    take('importOptions', dto.importOptions !== undefined ? checkedImportOptions(dto.importOptions) : undefined);
    take('schedule', dto.schedule);
    take('enabled', dto.enabled);
    if (dto.password !== undefined) {
      next.sealedPassword = this.secrets.seal(dto.password, passwordAad(state.id));
    } else if (current.sealedPassword && this.retargets(dto, next)) {
      // The kept password would go to a server, an account or over a channel it was not given for.
      throw new BadRequestException(
        'give the password again when changing the host, the port, the user or the trusted CA certificate, or turning TLS off: ' +
          'a saved password is only sent to the server and account, and over the channel, it was entered for',
      );
    }
    return next;
  }

  /**
   * Does the change send the saved password somewhere else? Another host or port may be another
   * server; another CA certificate trusts other servers as this one; another user is another
   * account. A port that only follows a new TLS mode to its usual number does not count.
   */
  private retargets(dto: UpdateSourceDto, next: Partial<SourceSettings>): boolean {
    const portGiven = dto.port !== undefined && next.port !== undefined;
    return next.host !== undefined || portGiven || next.user !== undefined || next.caCertificate !== undefined || next.tls === 'none';
  }

  private async afterChange(id: string): Promise<SourceView> {
    const state = await this.load(id, true);
    this.scheduler.apply(id, state.removed ? undefined : state);
    return this.view(state);
  }

  private async load(id: string, evenRemoved = false): Promise<SourceState> {
    return (await this.loadWithRevision(id, evenRemoved)).state;
  }

  private async loadWithRevision(id: string, evenRemoved = false): Promise<{ state: SourceState; revision: number }> {
    const loaded = await this.sources.load(id);
    if (!loaded || (loaded.state.removed && !evenRemoved)) throw new NotFoundException(`no source with id ${id}`);
    return loaded;
  }

  private view(state: SourceState): SourceView {
    const { sealedPassword, ...settings } = state.settings;
    return {
      id: state.id,
      ...settings,
      passwordSet: sealedPassword !== null,
      nextRunAt: this.scheduler.nextRunAt(state.id),
      createdAt: state.createdAt,
      updatedAt: state.updatedAt,
      lastCheck: state.lastCheck,
      lastRun: this.runner.current(state.id) ?? state.runs.at(-1) ?? null,
      warnings: settingsWarnings(state.settings),
    };
  }
}

/** The options as given, refused when they contradict each other (checked against the defaults they will meet). */
function checkedImportOptions(dto: CreateSourceDto['importOptions']): Partial<ImportOptions> {
  const options = importOptionsFrom(dto);
  const problems = optionProblems({ ...DEFAULT_IMPORT_OPTIONS, ...options });
  if (problems.length > 0) throw new BadRequestException(problems.map((problem) => `importOptions: ${problem}`));
  return options;
}
