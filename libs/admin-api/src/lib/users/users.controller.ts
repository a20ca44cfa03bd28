import { ConflictException, Controller, Delete, Get, Inject, NotFoundException, Param, Query } from '@nestjs/common';
import { DeleteUserService, UserNotFoundError } from '@dirsync/loading';
import { USER_STATUSES, userStream } from '@dirsync/domain';
import { ApiNotFoundResponse, ApiConflictResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery } from '@nestjs/swagger';
import { ApiTags } from '@nestjs/swagger';
import { ProblemDto } from '../openapi/problem.dto';
import { EVENT_STORE, type EventStore } from '@dirsync/event-store';
import { AsOfError, DirectoryReadModel, ProjectionRunner, type DirectoryUser, type UserPage, type UserQuery } from '@dirsync/projections';
import { Actor } from '../auth/actor.decorator';
import { AsOfDirectories } from './as-of-directories';
import { UsersQuery } from './users-query.dto';

const ID = () => ApiParam({ name: 'id', description: 'the user id' });

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly directory: DirectoryReadModel,
    private readonly projections: ProjectionRunner,
    private readonly deletion: DeleteUserService,
    private readonly asOf: AsOfDirectories,
  ) {}

  /** The directory, now or `asOf` an import: filter by status, search text (identifier, e-mail, username, names), deleted users with includeDeleted=true, page with offset/limit. */
  @Get()
  @ApiOperation({ summary: 'The directory (now or as of an import), filtered and paged' })
  @ApiQuery({ name: 'status', required: false, enum: USER_STATUSES })
  @ApiQuery({ name: 'search', required: false, description: 'text in the identifier, e-mail, username or names (case-insensitive)' })
  @ApiQuery({ name: 'includeDeleted', required: false, enum: ['true', 'false'], description: 'include deleted users (default false)' })
  @ApiQuery({ name: 'asOf', required: false, description: 'an import id: the directory exactly as it stood when that import completed' })
  @ApiQuery({ name: 'offset', required: false, type: Number, description: 'users to skip (default 0)' })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: 'page size (default 50, at most 1000)' })
  @ApiOkResponse({ description: '{ total, offset, limit, items: users }' })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'asOf names no import' })
  @ApiConflictResponse({ type: ProblemDto, description: 'asOf names an import that did not complete' })
  async list(@Query() { status, search, includeDeleted, asOf, offset, limit }: UsersQuery): Promise<UserPage> {
    const query = { status, search, includeDeleted: includeDeleted === 'true', offset, limit };
    if (asOf) return this.listAsOf(asOf, query);
    await this.projections.catchUp();
    return this.directory.list(query);
  }

  /** The directory exactly as it stood when the import `asOf` completed. */
  private async listAsOf(importId: string, query: UserQuery): Promise<UserPage> {
    try {
      return await this.asOf.list(importId, query);
    } catch (error) {
      if (error instanceof AsOfError) throw error.kind === 'not-found' ? new NotFoundException(error.message) : new ConflictException(error.message);
      throw error;
    }
  }

  @Get(':id')
  @ApiOperation({ summary: 'One user' })
  @ID()
  @ApiOkResponse({ description: 'the user' })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'no such user' })
  async get(@Param('id') id: string): Promise<DirectoryUser> {
    await this.projections.catchUp();
    const user = this.directory.getById(id);
    if (!user) throw new NotFoundException(`no user with id ${id}`);
    return user;
  }

  /** Marks the user deleted (kept in the directory and its history; an import restores it only with "activate deleted"). */
  @Delete(':id')
  @ApiOperation({ summary: 'Mark a user deleted (admin); kept in the directory and its history' })
  @ID()
  @ApiOkResponse({ description: 'the user, deleted: true' })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'no such user' })
  async delete(@Param('id') id: string, @Actor() actor: string): Promise<DirectoryUser> {
    try {
      const position = await this.deletion.delete(id, actor);
      if (position !== undefined) await this.projections.waitFor(position);
    } catch (error) {
      if (error instanceof UserNotFoundError) throw new NotFoundException(error.message);
      throw error;
    }
    return this.get(id);
  }

  /** Every event of the user, oldest first: what changed, when, and which import and row caused it. */
  @Get(':id/history')
  @ApiOperation({ summary: 'Every event of the user, oldest first' })
  @ID()
  @ApiOkResponse({ description: '{ userId, events: [{ revision, type, recordedAt, data }] }' })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'no such user' })
  async history(@Param('id') id: string) {
    const events = [];
    for await (const event of this.store.readStream(userStream(id))) {
      events.push({ revision: event.revision, type: event.type, recordedAt: event.recordedAt, data: event.data });
    }
    if (events.length === 0) throw new NotFoundException(`no user with id ${id}`);
    return { userId: id, events };
  }
}
