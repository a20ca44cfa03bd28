import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { TokenService } from '@dirsync/auth';
import { ADMIN_API_OPTIONS, type AdminApiOptions } from '../admin-api.options';

/**
 * ETL_ADMIN_TOKEN, when set, becomes an admin token at start (once: a restart adds nothing). A new
 * value revokes the one configured before it.
 */
@Injectable()
export class TokenSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger(TokenSeeder.name);

  constructor(
    private readonly tokens: TokenService,
    @Inject(ADMIN_API_OPTIONS) private readonly options: AdminApiOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.options.adminToken) return;
    const seeded = await this.tokens.seed(this.options.adminToken, 'admin', 'ETL_ADMIN_TOKEN');
    if (seeded.replaced > 0) this.logger.log(`ETL_ADMIN_TOKEN changed: the earlier one is revoked (token ${seeded.tokenId} replaces it)`);
    if (seeded.revoked) this.logger.warn(`ETL_ADMIN_TOKEN is token ${seeded.tokenId}, which was revoked: it is refused; set a new value`);
  }
}
