import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** What `new Worker` needs to run one of the workspace's worker modules. */
export interface WorkerModule {
  entry: string;
  execArgv?: string[];
  env?: NodeJS.ProcessEnv;
}

// libs/worker-threads/src/lib → the workspace root. Used only when running the TypeScript.
const WORKSPACE_TSCONFIG = join(__dirname, '..', '..', '..', '..', 'tsconfig.base.json');

/**
 * The worker module `name` in `directory` (the caller's `__dirname`): its compiled JavaScript when
 * the app runs from dist/. Under Jest only the TypeScript is there, and the worker compiles it as
 * it loads it, with the workspace's path aliases.
 */
export function workerModule(directory: string, name: string): WorkerModule {
  const compiled = join(directory, `${name}.js`);
  if (existsSync(compiled)) return { entry: compiled };
  return {
    entry: join(directory, `${name}.ts`),
    execArgv: ['--require', '@swc-node/register'],
    env: { ...process.env, SWC_NODE_PROJECT: WORKSPACE_TSCONFIG },
  };
}
