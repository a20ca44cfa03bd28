import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CatalogReadModel, ProjectionRunner, type Catalog } from '@dirsync/projections';

/** Security roles and generic properties the directory knows (XML imports define new ones). */
@ApiTags('catalog')
@Controller('catalog')
export class CatalogController {
  constructor(
    private readonly catalog: CatalogReadModel,
    private readonly projections: ProjectionRunner,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Security roles and generic properties the directory knows' })
  @ApiOkResponse({ description: '{ securityRoles: [{ name, … }], genericProperties: [{ name, … }] }' })
  async get(): Promise<Catalog> {
    await this.projections.catchUp();
    return this.catalog.all();
  }
}
