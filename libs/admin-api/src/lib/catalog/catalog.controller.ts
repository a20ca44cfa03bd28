import { Controller, Get } from '@nestjs/common';
import { CatalogReadModel, ProjectionRunner, type Catalog } from '@dirsync/projections';

/** Security roles and generic properties the directory knows (XML imports define new ones). */
@Controller('catalog')
export class CatalogController {
  constructor(
    private readonly catalog: CatalogReadModel,
    private readonly projections: ProjectionRunner,
  ) {}

  @Get()
  async get(): Promise<Catalog> {
    await this.projections.catchUp();
    return this.catalog.all();
  }
}
