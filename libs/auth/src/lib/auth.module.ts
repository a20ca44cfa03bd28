import { Module } from '@nestjs/common';
import { TokenService } from './token.service';

/** API tokens. Needs the event store module (global) in the app. */
@Module({ providers: [TokenService], exports: [TokenService] })
export class AuthModule {}
