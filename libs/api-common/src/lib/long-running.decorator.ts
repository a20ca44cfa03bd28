import { SetMetadata } from '@nestjs/common';

export const LONG_RUNNING = Symbol('LONG_RUNNING');

/** Exempts an endpoint from the per-request timeout (it waits for the pipeline, or streams a large answer). */
export const LongRunning = (): MethodDecorator & ClassDecorator => SetMetadata(LONG_RUNNING, true);
