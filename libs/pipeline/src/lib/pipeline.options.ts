import type { Settings } from './settings';

export interface PipelineOptions {
  settings: Settings;
  /** Which stages this process runs. The composed process runs them all. */
  stages: { transformation: boolean; loading: boolean; projections: boolean };
}
export const PIPELINE_OPTIONS = Symbol('PIPELINE_OPTIONS');
