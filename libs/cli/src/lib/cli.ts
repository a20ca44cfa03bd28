import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ROLES } from '@dirsync/auth';
import { delimiterNamed, ENCODINGS, FORMATS, MATCH_KEYS, type Delimiter } from '@dirsync/domain';
import { InvalidImportOptionsError } from '@dirsync/extraction';
import { processOutput, type Output } from './cli-context';
import { approveCommand, rejectCommand } from './commands/decide.command';
import { importCommand } from './commands/import.command';
import { replayCommand } from './commands/replay.command';
import { resumeCommand } from './commands/resume.command';
import { revertCommand } from './commands/revert.command';
import { createTokenCommand, listTokensCommand, revokeTokenCommand } from './commands/tokens.command';
import { reportCommand } from './commands/report.command';
import { usersCommand } from './commands/users.command';
import { printable } from './output/printable';
import { UsageError } from './usage-error';

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

function parseDelimiter(value: string): Delimiter {
  const delimiter = delimiterNamed(value);
  if (!delimiter) throw new InvalidArgumentError('use comma, semicolon or tab');
  return delimiter;
}

/** Runs the `etl` command line and returns its exit code: 0 done, 1 failed or rejected input, 2 usage. */
export async function runCli(argv: string[], output: Output = processOutput): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command('etl')
    .description('Import users from CSV files into the directory, and inspect the result.')
    .exitOverride()
    .configureOutput({ writeOut: output.out, writeErr: output.err });

  program
    .command('import')
    .description('import a file of users: create new users, update changed ones, report every row')
    .argument('<file>', 'CSV file with a header row, or XML file')
    .option('--json', 'print one JSON summary on stdout')
    .addOption(new Option('--match-by <key>', 'field that finds existing users (default: identifier when the file has it, else email)').choices(MATCH_KEYS))
    .option('--update-existing', 'update users that already exist (the default)')
    .option('--no-update-existing', 'leave existing users unchanged (only create new ones)')
    .option('--activate-deleted', 'restore deleted users that appear in the file (needs update existing)')
    .option('--disable-missing', 'disable (never delete) active users that are not in the file')
    .option('--create-draft', 'create new users in Draft status (cannot be combined with --activate-deleted)')
    .option('--domain <name>', 'append @<name> to identifiers that have no domain')
    .option('--default-language <code>', 'language of created users whose row has none (default: ETL_DEFAULT_LANGUAGE or en)')
    .addOption(new Option('--format <format>', 'file format (default: from the file name, .xml or csv)').choices(FORMATS))
    .addOption(new Option('--encoding <encoding>', 'character encoding (default: detected)').choices(ENCODINGS))
    .option('--delimiter <delimiter>', 'CSV delimiter: comma, semicolon or tab (default: detected from the header)', parseDelimiter)
    .option('--mapping <file>', 'JSON file renaming columns: {"header in the file": "field"}')
    .option('--dry-run', 'compute and store the plan without changing any user')
    .action(async (file: string, flags) => {
      exitCode = await importCommand(file, flags, output);
    });

  program
    .command('approve')
    .description('apply an import that awaits approval (a guard stopped it)')
    .argument('<importId>')
    .option('--json', 'print one JSON summary on stdout')
    .action(async (importId: string, flags) => {
      exitCode = await approveCommand(importId, flags, output);
    });

  program
    .command('reject')
    .description('discard an import that awaits approval; nothing is applied')
    .argument('<importId>')
    .option('--reason <text>', 'why, for the audit trail')
    .action(async (importId: string, flags) => {
      exitCode = await rejectCommand(importId, flags, output);
    });

  program
    .command('revert')
    .description('undo an applied import with compensating events (later changes are kept and reported as conflicts)')
    .argument('<importId>')
    .option('--json', 'print one JSON summary on stdout')
    .action(async (importId: string, flags) => {
      exitCode = await revertCommand(importId, flags, output);
    });

  const tokens = program.command('tokens').description('API tokens for the admin REST API');
  tokens
    .command('create')
    .description('create a token and print it (once: only its hash is kept)')
    .addOption(new Option('--role <role>', 'admin (everything) or viewer (read only)').choices(ROLES).makeOptionMandatory())
    .option('--label <text>', 'what the token is for')
    .action(async (flags) => {
      exitCode = await createTokenCommand(flags, output);
    });
  tokens
    .command('list')
    .description('list the tokens (id, role, label, created, revoked), never the tokens themselves')
    .option('--json', 'as JSON')
    .action(async (flags) => {
      exitCode = await listTokensCommand(flags, output);
    });
  tokens
    .command('revoke')
    .description('refuse a token from now on')
    .argument('<tokenId>')
    .action(async (tokenId: string) => {
      exitCode = await revokeTokenCommand(tokenId, output);
    });

  program
    .command('resume')
    .description('finish every import that a crash or a stop interrupted')
    .option('--json', 'as JSON')
    .action(async (flags) => {
      exitCode = await resumeCommand(flags, output);
    });

  program
    .command('report')
    .description("print an import's per-row results")
    .argument('<importId>')
    .option('--csv', 'as CSV (row, identifier, email, outcome, reasons, warnings, user_id)')
    .option('--json', 'as JSON')
    .action(async (importId: string, flags) => {
      exitCode = await reportCommand(importId, flags, output);
    });

  program
    .command('users')
    .description('print the directory')
    .option('--json', 'as a JSON array')
    .option('--as-of <importId>', 'the directory exactly as it stood when that import completed')
    .action(async (flags) => {
      exitCode = await usersCommand(flags, output);
    });

  program
    .command('replay')
    .description('rebuild every read model from the event log and compare with the live ones (checksums)')
    .option('--json', 'as JSON: events replayed, checksums before and after')
    .action(async (flags) => {
      exitCode = await replayCommand(flags, output);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof UsageError || error instanceof InvalidArgumentError || error instanceof InvalidImportOptionsError) {
      output.err(`etl: ${printable(error.message)}\n`);
      return EXIT.usage;
    }
    output.err(`etl: ${printable((error as Error).message)}\n`);
    return EXIT.failed;
  }
}
