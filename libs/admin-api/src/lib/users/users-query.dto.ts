import { IsIn, IsOptional, IsString } from 'class-validator';
import { USER_STATUSES, type UserStatus } from '@dirsync/domain';
import { pageQuery } from '../paging/page-query.dto';

/** GET /api/users: each parameter at most once (a repeated one arrives as an array and is refused). */
export class UsersQuery extends pageQuery(50, 1_000) {
  @IsOptional()
  @IsIn(USER_STATUSES)
  status?: UserStatus;

  @IsOptional()
  @IsString()
  search?: string;

  @IsOptional()
  @IsIn(['true', 'false'])
  includeDeleted?: 'true' | 'false';

  @IsOptional()
  @IsString()
  asOf?: string;
}
