import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { TokenService } from '@dirsync/auth';
import { ADMIN_API_OPTIONS, type AdminApiOptions } from '../admin-api.options';

/** ETL_ADMIN_TOKEN, when set, becomes an admin token at start (once: a restart adds nothing). */
@Injectable()
export class TokenSeeder implements OnApplicationBootstrap {
  constructor(
    private readonly tokens: TokenService,
    @Inject(ADMIN_API_OPTIONS) private readonly options: AdminApiOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.options.adminToken) await this.tokens.seed(this.options.adminToken, 'admin', 'ETL_ADMIN_TOKEN');
  }
}
