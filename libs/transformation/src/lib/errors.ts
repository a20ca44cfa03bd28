import type { RowProblem } from '@dirsync/domain';

export type FileProblem = RowProblem & { row?: number };

/**
 * The file as a whole cannot be trusted (unreadable CSV, unusable header): nothing of it may be
 * applied, including rows a sink already received.
 */
export class FileRejectedError extends Error {
  override readonly name = 'FileRejectedError';
  constructor(
    readonly fileName: string,
    readonly problems: FileProblem[],
  ) {
    super(`${fileName} was rejected: ${problems.map(describe).join('; ')}`);
  }
}

function describe(problem: FileProblem): string {
  return problem.row === undefined ? problem.message : `row ${problem.row}: ${problem.message}`;
}
