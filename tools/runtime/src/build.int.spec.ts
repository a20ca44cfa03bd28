import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { build, isUpToDate, planBuild, WORKSPACE } from './build';

/** A small workspace of its own: an app that imports a lib by its path alias and injects by type. */
function scratchWorkspace(): string {
  const root = mkdtempSync(join(tmpdir(), 'runtime-build-'));
  const write = (file: string, text: string) => {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  };
  write('tsconfig.base.json', JSON.stringify({
    compilerOptions: {
      target: 'ES2022', module: 'commonjs', experimentalDecorators: true, emitDecoratorMetadata: true, sourceMap: true,
      baseUrl: '.', paths: { '@scratch/greeting': ['libs/greeting/src/index.ts'] },
    },
  }));
  write('libs/greeting/src/index.ts', `export class Greeting { text(name: string): string { return 'hello ' + name; } }\n`);
  write('libs/greeting/src/greeting.spec.ts', `it('is a spec', () => undefined);\n`);
  write('apps/hello/src/main.ts', [
    `import 'reflect-metadata';`,
    `import { Greeting } from '@scratch/greeting';`,
    `const Injectable = (): ClassDecorator => () => undefined;`,
    `@Injectable()`,
    `class Greeter { constructor(readonly greeting: Greeting) {} }`,
    `const types = Reflect.getMetadata('design:paramtypes', Greeter) as unknown[];`,
    // One string: console.log colours a boolean when the test runner forces colour.
    'console.log(`${new Greeting().text(\'world\')} ${types[0] === Greeting}`);',
  ].join('\n'));
  symlinkSync(join(WORKSPACE, 'node_modules'), join(root, 'node_modules'));
  return root;
}

/** Moves a file's modification time forward, as an edit would. */
function touchLater(file: string, seconds: number): void {
  const later = new Date(Date.now() + seconds * 1000);
  utimesSync(file, later, later);
}

describe('the runtime build (TypeScript to dist/)', () => {
  let root: string;
  beforeEach(() => (root = scratchWorkspace()));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('compiles every source but the specs, into JavaScript that resolves path aliases and keeps decorator metadata', () => {
    const plan = planBuild(root);
    expect(plan.stampChanged).toBe(true);
    expect(plan.compile.sort()).toEqual([join('apps/hello/src/main.ts'), join('libs/greeting/src/index.ts')]);
    build(root, plan);
    expect(existsSync(join(root, 'dist/libs/greeting/src/greeting.spec.js'))).toBe(false);
    const output = execFileSync(process.execPath, [join(root, 'dist/apps/hello/src/main.js')], { encoding: 'utf8' });
    expect(output.trim()).toBe('hello world true');
  });

  it('has nothing to do right after a build', () => {
    build(root);
    expect(isUpToDate(planBuild(root))).toBe(true);
  });

  it('compiles again only the sources edited since the last build', () => {
    build(root);
    touchLater(join(root, 'libs/greeting/src/index.ts'), 5);
    const plan = planBuild(root);
    expect(plan).toMatchObject({ stampChanged: false, compile: [join('libs/greeting/src/index.ts')], remove: [] });
  });

  it('removes the output of a deleted source, so the module cannot be loaded from a stale copy', () => {
    build(root);
    rmSync(join(root, 'libs/greeting/src/index.ts'));
    const plan = planBuild(root);
    expect(plan.remove).toEqual([join('dist/libs/greeting/src/index.js')]);
    build(root, plan);
    expect(existsSync(join(root, 'dist/libs/greeting/src/index.js'))).toBe(false);
    expect(isUpToDate(planBuild(root))).toBe(true);
  });

  it('compiles everything again when the compiler settings change', () => {
    build(root);
    const tsconfig = join(root, 'tsconfig.base.json');
    writeFileSync(tsconfig, readFileSync(tsconfig, 'utf8').replace('"ES2022"', '"ES2021"'));
    const plan = planBuild(root);
    expect(plan.stampChanged).toBe(true);
    expect(plan.compile).toHaveLength(2);
  });
});
