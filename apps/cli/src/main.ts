import 'reflect-metadata';
import { runCli } from '@dirsync/cli';

runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
