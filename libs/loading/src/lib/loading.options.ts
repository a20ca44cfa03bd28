import { DEFAULT_GUARD_THRESHOLDS, type GuardThresholds } from '@dirsync/domain';

export interface LoadingOptions {
  guards: GuardThresholds;
}
export const LOADING_OPTIONS = Symbol('LOADING_OPTIONS');
export const DEFAULT_LOADING_OPTIONS: LoadingOptions = { guards: DEFAULT_GUARD_THRESHOLDS };
