/** What a build has to do (see build.js). */
export interface BuildPlan {
  stamp: string;
  /** The compiler, the tsconfig or build.js changed since the last build: everything is compiled. */
  stampChanged: boolean;
  /** Workspace-relative sources to compile. */
  compile: string[];
  /** Workspace-relative outputs whose source is gone. */
  remove: string[];
}

export const WORKSPACE: string;
export function planBuild(root?: string): BuildPlan;
export function build(root?: string, plan?: BuildPlan): BuildPlan;
export function isUpToDate(plan: BuildPlan): boolean;
export function outputOf(source: string): string;
