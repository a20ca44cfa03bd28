import {
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type InjectionToken,
  type ModuleMetadata,
  type OnApplicationShutdown,
  type OptionalFactoryDependency,
} from '@nestjs/common';
import { EVENT_STORE, type EventStore } from './event-store.port';
import { InMemoryEventStore } from './in-memory/in-memory-event-store';
import { SqliteEventStore } from './sqlite/sqlite-event-store';

export type EventStoreOptions =
  | { kind: 'sqlite'; file: string; pollIntervalMs?: number }
  | { kind: 'memory' }
  | { kind: 'kurrentdb'; connectionString: string; namespace?: string };

export interface EventStoreAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: (InjectionToken | OptionalFactoryDependency)[];
  useFactory: (...args: never[]) => EventStoreOptions | Promise<EventStoreOptions>;
}

const EVENT_STORE_OPTIONS = Symbol('EVENT_STORE_OPTIONS');

export type EmbeddedEventStoreOptions = Exclude<EventStoreOptions, { kind: 'kurrentdb' }>;

/** Builds an embedded store; for code that runs without Nest (scripts, benchmarks, test harnesses). */
export function createEventStore(options: EmbeddedEventStoreOptions): EventStore {
  return options.kind === 'sqlite' ? new SqliteEventStore(options.file, { pollIntervalMs: options.pollIntervalMs }) : new InMemoryEventStore();
}

/** Builds the store; a server store must answer, or startup fails with a clear message naming it. */
export async function openEventStore(options: EventStoreOptions): Promise<EventStore> {
  if (options.kind !== 'kurrentdb') return createEventStore(options);
  // Loaded only when configured: the client and its gRPC stack add about 30 MB and 150 ms to every process.
  const { KurrentDbEventStore } = await import('./kurrentdb/kurrentdb-event-store');
  const store = new KurrentDbEventStore(options.connectionString, { namespace: options.namespace });
  try {
    await store.verifyConnection();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

/** Closes the store when the application shuts down, after its consumers stopped. */
@Injectable()
class EventStoreCloser implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  onApplicationShutdown(): Promise<void> {
    return this.store.close();
  }
}

/** Provides one EventStore under the EVENT_STORE token, to the whole application. */
@Module({})
export class EventStoreModule {
  static forRoot(options: EventStoreOptions): DynamicModule {
    return EventStoreModule.withOptions({ provide: EVENT_STORE_OPTIONS, useValue: options });
  }

  static forRootAsync(options: EventStoreAsyncOptions): DynamicModule {
    return EventStoreModule.withOptions(
      { provide: EVENT_STORE_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] },
      options.imports,
    );
  }

  private static withOptions(
    optionsProvider: NonNullable<ModuleMetadata['providers']>[number],
    imports: ModuleMetadata['imports'] = [],
  ): DynamicModule {
    return {
      module: EventStoreModule,
      global: true,
      imports,
      providers: [
        optionsProvider,
        { provide: EVENT_STORE, useFactory: openEventStore, inject: [EVENT_STORE_OPTIONS] },
        EventStoreCloser,
      ],
      exports: [EVENT_STORE],
    };
  }
}
