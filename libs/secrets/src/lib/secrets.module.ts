import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { SecretBox } from './secret-box';
import { loadSecretKeys } from './secret-keys';

export interface SecretsModuleOptions {
  dataDir: string;
  env: NodeJS.ProcessEnv;
}

/** Provides the application's SecretBox. The key is loaded while the module is built: a bad key stops startup. */
@Module({})
export class SecretsModule {
  static forRoot(options: SecretsModuleOptions): DynamicModule {
    const logger = new Logger('Secrets');
    return {
      module: SecretsModule,
      global: true,
      providers: [
        {
          provide: SecretBox,
          useFactory: () => new SecretBox(loadSecretKeys({ ...options, warn: (message) => logger.warn(message) })),
        },
      ],
      exports: [SecretBox],
    };
  }
}
