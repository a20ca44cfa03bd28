import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workerModule } from './worker-module';

describe('workerModule', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'worker-module-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the compiled JavaScript when it is there, as in dist/', () => {
    writeFileSync(join(dir, 'rows-worker.ts'), '');
    writeFileSync(join(dir, 'rows-worker.js'), '');
    expect(workerModule(dir, 'rows-worker')).toEqual({ entry: join(dir, 'rows-worker.js') });
  });

  it("compiles the TypeScript as it loads it, with the workspace's tsconfig, when only the source is there", () => {
    writeFileSync(join(dir, 'rows-worker.ts'), '');
    const loader = workerModule(dir, 'rows-worker');
    expect(loader).toMatchObject({ entry: join(dir, 'rows-worker.ts'), execArgv: ['--require', '@swc-node/register'] });
    expect(existsSync(loader.env?.SWC_NODE_PROJECT ?? '')).toBe(true);
    expect(loader.env?.SWC_NODE_PROJECT).toMatch(/tsconfig\.base\.json$/);
  });
});
