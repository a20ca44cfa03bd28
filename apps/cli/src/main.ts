import 'reflect-metadata';
import { exitQuietlyWhenStdoutCloses, runCli } from '@dirsync/cli';

exitQuietlyWhenStdoutCloses();

runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
