import { Module, type DynamicModule, type InjectionToken, type ModuleMetadata, type OptionalFactoryDependency } from '@nestjs/common';
import { BlobStore } from './blob-store';

/** Token for injecting the application's BlobStore (injecting the class itself works too). */
export const BLOB_STORE = Symbol('BLOB_STORE');

export interface BlobStoreOptions {
  /** Directory that holds the blobs and their temp files, e.g. `<dataDir>/blobs`. */
  rootDir: string;
}

export interface BlobStoreAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: (InjectionToken | OptionalFactoryDependency)[];
  useFactory: (...args: never[]) => BlobStoreOptions | Promise<BlobStoreOptions>;
}

/** Provides one BlobStore to the whole application, under BLOB_STORE and under its class. */
@Module({})
export class BlobStoreModule {
  static forRoot(options: BlobStoreOptions): DynamicModule {
    return BlobStoreModule.withStore({ provide: BLOB_STORE, useValue: new BlobStore(options.rootDir) });
  }

  static forRootAsync(options: BlobStoreAsyncOptions): DynamicModule {
    return BlobStoreModule.withStore(
      {
        provide: BLOB_STORE,
        useFactory: async (...args: never[]) => new BlobStore((await options.useFactory(...args)).rootDir),
        inject: options.inject ?? [],
      },
      options.imports,
    );
  }

  private static withStore(
    storeProvider: NonNullable<ModuleMetadata['providers']>[number],
    imports: ModuleMetadata['imports'] = [],
  ): DynamicModule {
    return {
      module: BlobStoreModule,
      global: true,
      imports,
      providers: [storeProvider, { provide: BlobStore, useExisting: BLOB_STORE }],
      exports: [BLOB_STORE, BlobStore],
    };
  }
}
