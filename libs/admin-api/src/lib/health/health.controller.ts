import { Controller, Get, Inject } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@dirsync/event-store';
import { ProjectionRunner } from '@dirsync/projections';
import { Public } from '../auth/public.decorator';

/** Deliberately public: says whether the store answers and how far the read models lag the log. */
@Public()
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly projections: ProjectionRunner,
  ) {}

  @Get()
  async health() {
    const head = await this.store.headPosition();
    return { status: 'ok', eventStore: { status: 'up', headPosition: head }, projections: { lag: Math.max(0, head - this.projections.position()) } };
  }
}
