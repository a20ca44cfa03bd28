import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { BLOB_STORE, type BlobStore } from '@dirsync/blob-store';
import { EVENT_STORE, type EventStore } from '@dirsync/event-store';
import { CatalogReadModel } from './catalog/catalog.read-model';
import { DirectoryReadModel } from './directory/directory.read-model';
import { ImportReportReadModel } from './import-report/import-report.read-model';
import { openReadModelDb, type ReadModelDb } from './read-model-db';
import { readModelProjections } from './read-model-projections';
import { ProjectionRunner } from './runner/projection-runner';
import { ProjectionThread } from './runner/projection-thread';

export interface ProjectionsOptions {
  /** SQLite file of the read models (`:memory:` for tests). */
  file: string;
  /** Follow the log and keep the read models current (the process that hosts the projections). */
  live?: boolean;
  pollIntervalMs?: number;
  /**
   * The embedded store's log file: the passes then run on a thread of their own (ProjectionThread),
   * beside the process's work. Needs a file for the read models too.
   */
  threadWithLog?: string;
}

export const READ_MODEL_DB = Symbol('READ_MODEL_DB');
const PROJECTIONS_OPTIONS = Symbol('PROJECTIONS_OPTIONS');

class ProjectionsLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(PROJECTIONS_OPTIONS) private readonly options: ProjectionsOptions,
    private readonly runner: ProjectionRunner,
    @Inject(READ_MODEL_DB) private readonly db: ReadModelDb,
  ) {}

  onApplicationBootstrap(): void {
    if (this.options.live) this.runner.startLive(this.options.pollIntervalMs);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
    this.db.close();
  }
}

function projectionThread({ threadWithLog, file }: ProjectionsOptions): ProjectionThread | undefined {
  if (!threadWithLog) return undefined;
  // The thread opens the files itself: a database in memory would be a second, empty one.
  if (file === ':memory:') throw new Error('ProjectionsModule: threadWithLog needs the read models in a file, not :memory:');
  return new ProjectionThread({ logFile: threadWithLog, readModelFile: file });
}

/** Read models and the runner that keeps them in step with the log. */
@Module({})
export class ProjectionsModule {
  static forRoot(options: ProjectionsOptions): DynamicModule {
    return {
      module: ProjectionsModule,
      global: true,
      providers: [
        { provide: PROJECTIONS_OPTIONS, useValue: options },
        { provide: READ_MODEL_DB, useFactory: () => openReadModelDb(options.file) },
        {
          provide: ProjectionRunner,
          inject: [EVENT_STORE, READ_MODEL_DB],
          useFactory: (store: EventStore, db: ReadModelDb) =>
            new ProjectionRunner(store, db, readModelProjections(db), { thread: projectionThread(options) }),
        },
        { provide: DirectoryReadModel, inject: [READ_MODEL_DB], useFactory: (db: ReadModelDb) => new DirectoryReadModel(db) },
        { provide: CatalogReadModel, inject: [READ_MODEL_DB], useFactory: (db: ReadModelDb) => new CatalogReadModel(db) },
        {
          provide: ImportReportReadModel,
          // The blob store holds the plans that created users' fields are read from.
          inject: [READ_MODEL_DB, { token: BLOB_STORE, optional: true }],
          useFactory: (db: ReadModelDb, blobs?: BlobStore) => new ImportReportReadModel(db, blobs && ((sha256) => blobs.path(sha256))),
        },
        ProjectionsLifecycle,
      ],
      exports: [ProjectionRunner, DirectoryReadModel, ImportReportReadModel, CatalogReadModel, READ_MODEL_DB],
    };
  }
}
