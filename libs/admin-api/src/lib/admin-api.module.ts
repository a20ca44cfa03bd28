import { Module, type DynamicModule } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { AsOfDirectories } from './users/as-of-directories';
import { mkdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { diskStorage } from 'multer';
import { AdminController } from './admin/admin.controller';
import { CatalogController } from './catalog/catalog.controller';
import { HealthController } from './health/health.controller';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ThrottlerModule } from '@nestjs/throttler';
import { AuthModule } from '@dirsync/auth';
import { ADMIN_API_OPTIONS, type AdminApiOptions } from './admin-api.options';
import { BearerTokenGuard } from './auth/bearer-token.guard';
import { TokenSeeder } from './auth/token-seeder';
import { TimeoutInterceptor } from './limits/timeout.interceptor';
import { MetricsController } from './observability/metrics.controller';
import { MetricsService } from './observability/metrics.service';
import { ImportsController } from './imports/imports.controller';
import { RevertController } from './imports/revert.controller';
import { SamplesController } from './samples/samples.controller';
import { UsersController } from './users/users.controller';

export type { AdminApiOptions };

/** The admin REST API under /api (the app sets the prefix). */
@Module({})
export class AdminApiModule {
  static forRoot(options: AdminApiOptions): DynamicModule {
    mkdirSync(options.uploadDir, { recursive: true });
    return {
      module: AdminApiModule,
      imports: [
        AuthModule,
        MulterModule.register({
          // Uploads go to disk under a random name: the client's file name is never a path.
          storage: diskStorage({ destination: options.uploadDir, filename: (_req, _file, done) => done(null, randomUUID()) }),
          limits: { fileSize: options.maxUploadBytes, files: 1, fields: 50, fieldSize: 1024 * 1024, parts: 60 },
          // Browsers and curl send a file name as raw UTF-8 bytes; multer would read them as latin1.
          defParamCharset: 'utf8',
        }),
        // The 'uploads' throttler guards POST /api/imports (UploadThrottlerGuard); the guard of every
        // request counts failed authentications in the same storage.
        ThrottlerModule.forRoot({
          throttlers: [{ name: 'uploads', ttl: options.limits.rateWindowMs, limit: options.limits.uploadRateLimit }],
          errorMessage: 'too many uploads; retry after the Retry-After seconds',
        }),
        TerminusModule.forRoot({ errorLogStyle: 'json' }),
      ],
      providers: [
        { provide: ADMIN_API_OPTIONS, useValue: options },
        // Global: every controller of the app, the FTP sources' too, needs a token unless @Public().
        { provide: APP_GUARD, useClass: BearerTokenGuard },
        { provide: APP_INTERCEPTOR, useClass: TimeoutInterceptor },
        TokenSeeder,
        MetricsService,
        AsOfDirectories,
      ],
      exports: [MetricsService],
      controllers: [ImportsController, RevertController, UsersController, CatalogController, SamplesController, AdminController, HealthController, MetricsController],
    };
  }
}
