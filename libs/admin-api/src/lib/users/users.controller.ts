import { Controller, DefaultValuePipe, Get, Inject, NotFoundException, Param, ParseIntPipe, Query, BadRequestException } from '@nestjs/common';
import { USER_STATUSES, userStream, type UserStatus } from '@dirsync/domain';
import { EVENT_STORE, type EventStore } from '@dirsync/event-store';
import { DirectoryReadModel, ProjectionRunner, type DirectoryUser, type UserPage } from '@dirsync/projections';

@Controller('users')
export class UsersController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly directory: DirectoryReadModel,
    private readonly projections: ProjectionRunner,
  ) {}

  /** The directory: filter by status, search text (identifier, e-mail, username, names), page with offset/limit. */
  @Get()
  async list(
    @Query('status') status: string | undefined,
    @Query('search') search: string | undefined,
    @Query('offset', new DefaultValuePipe(0), ParseIntPipe) offset: number,
    @Query('limit', new DefaultValuePipe(50), ParseIntPipe) limit: number,
  ): Promise<UserPage> {
    if (status !== undefined && !USER_STATUSES.includes(status as UserStatus)) {
      throw new BadRequestException(`status must be one of ${USER_STATUSES.join(', ')}`);
    }
    await this.projections.catchUp();
    return this.directory.list({ status: status as UserStatus | undefined, search, offset, limit });
  }

  @Get(':id')
  async get(@Param('id') id: string): Promise<DirectoryUser> {
    await this.projections.catchUp();
    const user = this.directory.getById(id);
    if (!user) throw new NotFoundException(`no user with id ${id}`);
    return user;
  }

  /** Every event of the user, oldest first: what changed, when, and which import and row caused it. */
  @Get(':id/history')
  async history(@Param('id') id: string) {
    const events = [];
    for await (const event of this.store.readStream(userStream(id))) {
      events.push({ revision: event.revision, type: event.type, recordedAt: event.recordedAt, data: event.data });
    }
    if (events.length === 0) throw new NotFoundException(`no user with id ${id}`);
    return { userId: id, events };
  }
}
