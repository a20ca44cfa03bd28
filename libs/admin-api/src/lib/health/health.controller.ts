import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { EVENT_STORE, type EventStore } from '@dirsync/event-store';
import { PIPELINE_OPTIONS, type PipelineOptions } from '@dirsync/pipeline';
import { ProjectionRunner } from '@dirsync/projections';
import { ADMIN_API_OPTIONS, type AdminApiOptions } from '../admin-api.options';
import { Public } from '../auth/public.decorator';
import { ProblemDto } from '../openapi/problem.dto';

const STORE_CHECK_TIMEOUT_MS = 3000;

/** Deliberately public: says whether the process lives, whether the store answers and how far the read models lag the log. */
@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly projections: ProjectionRunner,
    private readonly checks: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(ADMIN_API_OPTIONS) private readonly options: AdminApiOptions,
    @Inject(PIPELINE_OPTIONS) private readonly pipeline: PipelineOptions,
  ) {}

  @Get()
  @ApiOperation({ summary: "The store's head position and the projections' lag (public)" })
  @ApiOkResponse({ description: '{ status, eventStore: { status, headPosition }, projections: { lag } }' })
  async health() {
    const head = await this.store.headPosition();
    return { status: 'ok', eventStore: { status: 'up', headPosition: head }, projections: { lag: Math.max(0, head - this.projections.position()) } };
  }

  /** Liveness: the process answers HTTP. Nothing else is checked, so a slow store never gets the process restarted. */
  @Get('live')
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({ summary: 'Liveness probe (public): 200 while the process serves HTTP' })
  @ApiOkResponse({ description: 'terminus result: { status: "ok", info, error, details }' })
  live() {
    return this.checks.check([]);
  }

  /** Readiness: the event store answers within 3 s, and (where this process runs the projections) the read models are at most ETL_READY_MAX_LAG events behind. */
  @Get('ready')
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({ summary: 'Readiness probe (public): the event store reachable, the projection lag under ETL_READY_MAX_LAG' })
  @ApiOkResponse({ description: 'terminus result: { status: "ok", info: { eventStore, projections }, error, details }' })
  @ApiServiceUnavailableResponse({ description: 'not ready: problem+json with the terminus result in `checks`', type: ProblemDto })
  ready() {
    // Both indicators ask the store; terminus may run them at the same time.
    return this.checks.check([
      () =>
        this.indicators
          .check('eventStore')
          .attempt(async () => ({ headPosition: await this.store.headPosition() }))
          .withTimeout(STORE_CHECK_TIMEOUT_MS),
      async () => {
        const indicator = this.indicators.check('projections');
        const maxLag = this.options.limits.readyMaxLag;
        // A process that does not run the projections (e.g. extraction alone) catches up on each read instead.
        if (!this.pipeline.stages.projections) return indicator.up({ live: false });
        try {
          const lag = Math.max(0, (await this.store.headPosition()) - this.projections.position());
          return lag <= maxLag ? indicator.up({ lag, maxLag }) : indicator.down({ lag, maxLag });
        } catch {
          return indicator.down({ message: 'the event store did not answer', maxLag });
        }
      },
    ]);
  }
}
