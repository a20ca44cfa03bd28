/**
 * The shared contract suite against a real KurrentDB server, when KURRENTDB_CONNECTION_STRING is
 * set (see the README: an insecure single node in a container). Every store gets a namespace of its
 * own, so runs and tests never see each other's streams and the server needs no cleanup between
 * them. Without the variable the suite is skipped, and says so.
 */
import { randomUUID } from 'node:crypto';
import { eventStoreContract } from '../event-store.contract';
import { KurrentDbEventStore } from './kurrentdb-event-store';

const connectionString = process.env['KURRENTDB_CONNECTION_STRING'];

const SKIPPED = 'KurrentDB contract suite skipped: set KURRENTDB_CONNECTION_STRING=kurrentdb://localhost:2113?tls=false to run it';

if (!connectionString) {
  console.warn(SKIPPED);
  // Jest drops the console output of a file whose tests are all skipped when it runs several
  // files: write the line to stderr as well, so every test log says it.
  process.stderr.write(`${SKIPPED}\n`);
}

const run = randomUUID().slice(0, 8);
let storeCount = 0;

(connectionString ? describe : describe.skip)('KurrentDbEventStore against a real server', () => {
  jest.setTimeout(30_000);

  eventStoreContract('KurrentDbEventStore (KurrentDB)', async () => {
    const store = new KurrentDbEventStore(connectionString as string, {
      namespace: `contract-${run}-${++storeCount}-`,
      onWarning: (message) => console.warn(message),
    });
    await store.verifyConnection();
    return { store };
  });
});
