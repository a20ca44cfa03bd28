import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temp directory per test file; tests read real files, as the stage does. */
export function tempFiles() {
  const dir = mkdtempSync(join(tmpdir(), 'transformation-'));
  return {
    path: (name: string) => join(dir, name),
    write(name: string, content: string | Buffer): string {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
