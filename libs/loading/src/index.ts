export * from './lib/loading.module';
export * from './lib/loading.service';
export * from './lib/plan-import/import-planner';
export * from './lib/plan-import/plan-line';
export * from './lib/apply-plan/plan-applier';
export * from './lib/delete-user/delete-user.service';
export * from './lib/approve-import/import-decision.service';
export * from './lib/loading.options';
