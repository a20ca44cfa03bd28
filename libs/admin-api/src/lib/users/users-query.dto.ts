import { IsIn, IsOptional, IsString } from 'class-validator';
import { USER_STATUSES, type UserStatus } from '@dirsync/domain';
import { pageQuery } from '@dirsync/api-common';

/** A repeated query parameter arrives as an array: refused, as anything else not in the list. */
const ONCE = { message: '$property must be given once, one of: $constraint1' };

/** GET /api/users: each parameter at most once. */
export class UsersQuery extends pageQuery(50, 1_000) {
  @IsOptional()
  @IsIn(USER_STATUSES, ONCE)
  status?: UserStatus;

  @IsOptional()
  @IsString({ message: '$property must be given once, as text' })
  search?: string;

  @IsOptional()
  @IsIn(['true', 'false'], ONCE)
  includeDeleted?: 'true' | 'false';

  @IsOptional()
  @IsString({ message: '$property must be given once, as an import id' })
  asOf?: string;
}
