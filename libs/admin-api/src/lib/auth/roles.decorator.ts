import { SetMetadata } from '@nestjs/common';
import type { Role } from '@dirsync/auth';

export const REQUIRED_ROLE = Symbol('REQUIRED_ROLE');

/**
 * The role an endpoint needs. Without it: `viewer` for GET and HEAD, `admin` for everything else,
 * so a new controller is protected (and read-only for viewers) by default.
 */
export const Roles = (role: Role): MethodDecorator & ClassDecorator => SetMetadata(REQUIRED_ROLE, role);
