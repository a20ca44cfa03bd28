import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A real vsftpd (Debian package) on loopback, for integration tests. */
export interface VsftpdOptions {
  /** true: explicit FTPS (AUTH TLS) required for login and data; 'implicit': TLS from the first byte; false: plain FTP. */
  tls: boolean | 'implicit';
  user: string;
  password: string;
  /** Files to serve, by path relative to the FTP root (e.g. `imports/users.csv` is `/imports/users.csv`). */
  files?: Record<string, string | Buffer>;
  /** Bytes per second per transfer (vsftpd `local_max_rate`), to make a transfer last. 0: unlimited. */
  maxRateBytesPerSecond?: number;
}

export interface VsftpdServer {
  host: '127.0.0.1';
  port: number;
  /** The server's self-signed certificate (PEM): the CA a client must trust. Empty without TLS. */
  ca: string;
  /** The FTP root on disk: write here to change what the server serves. */
  rootDir: string;
  /** Stops vsftpd and its session processes; resolves once the port is closed. Idempotent. */
  stop(): Promise<void>;
}

export const VSFTPD_BINARY = '/usr/sbin/vsftpd';

/**
 * Throws a clear error when the harness cannot run here (a test must fail loudly, never pass
 * silently): vsftpd and openssl must be installed (`apt-get install -y vsftpd openssl`), and
 * the process must be root (vsftpd checks local logins through PAM and chroots).
 */
export function assertVsftpdAvailable(): void {
  if (!existsSync(VSFTPD_BINARY)) throw new Error(`${VSFTPD_BINARY} is missing: apt-get install -y vsftpd openssl`);
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
  } catch {
    throw new Error('openssl is missing: apt-get install -y vsftpd openssl');
  }
  if (process.getuid?.() !== 0) throw new Error('the vsftpd harness needs root (it creates a local user and vsftpd chroots)');
}

export async function startVsftpd(options: VsftpdOptions): Promise<VsftpdServer> {
  assertVsftpdAvailable();
  const workDir = mkdtempSync(join(tmpdir(), 'vsftpd-'));
  const rootDir = join(workDir, 'root');
  mkdirSync(rootDir);
  // vsftpd drops to the FTP user after login: the root and its files must be readable by it.
  chmodSync(workDir, 0o755);
  chmodSync(rootDir, 0o755);
  for (const [path, content] of Object.entries(options.files ?? {})) writeServedFile(rootDir, path, content);
  ensureUser(options.user, options.password);

  const tls = options.tls !== false;
  let ca = '';
  const certFile = join(workDir, 'cert.pem');
  const keyFile = join(workDir, 'key.pem');
  if (tls) {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
      '-keyout', keyFile, '-out', certFile,
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    ], { stdio: 'ignore' });
    ca = readFileSync(certFile, 'utf8');
  }

  const port = await freePort();
  const pasvMin = await freePortRange(10);
  const config = [
    'listen=YES',
    'listen_ipv6=NO',
    'listen_address=127.0.0.1',
    `listen_port=${port}`,
    'background=NO',
    // Containers often forbid the syscalls and namespaces these use.
    'seccomp_sandbox=NO',
    'isolate=NO',
    'isolate_network=NO',
    'anonymous_enable=NO',
    'local_enable=YES',
    'write_enable=NO',
    'chroot_local_user=YES',
    'allow_writeable_chroot=YES',
    `local_root=${rootDir}`,
    'pam_service_name=vsftpd',
    'pasv_enable=YES',
    'pasv_address=127.0.0.1',
    `pasv_min_port=${pasvMin}`,
    `pasv_max_port=${pasvMin + 9}`,
    'use_localtime=NO',
    'delay_failed_login=0', // tests of a wrong password need not wait
    'xferlog_enable=NO',
    'syslog_enable=NO',
    `vsftpd_log_file=${join(workDir, 'vsftpd.log')}`,
    `local_max_rate=${options.maxRateBytesPerSecond ?? 0}`,
    ...(tls
      ? [
          'ssl_enable=YES',
          `rsa_cert_file=${certFile}`,
          `rsa_private_key_file=${keyFile}`,
          'ssl_ciphers=HIGH', // vsftpd's default is a single weak cipher
          'ssl_request_cert=NO',
          'require_ssl_reuse=YES', // data connections must resume the control session, as strict servers demand
          'force_local_logins_ssl=YES',
          'force_local_data_ssl=YES',
          ...(options.tls === 'implicit' ? ['implicit_ssl=YES'] : []),
        ]
      : ['ssl_enable=NO']),
  ].join('\n');
  const configFile = join(workDir, 'vsftpd.conf');
  writeFileSync(configFile, `${config}\n`, { mode: 0o600 }); // vsftpd refuses a config not owned by root

  const child = spawn(VSFTPD_BINARY, [configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitForPort(port, child, () => stderr);
  } catch (error) {
    killGroup(child);
    rmSync(workDir, { recursive: true, force: true });
    throw error;
  }

  let stopped: Promise<void> | undefined;
  return {
    host: '127.0.0.1',
    port,
    ca,
    rootDir,
    stop: () =>
      (stopped ??= (async () => {
        killGroup(child);
        await exited;
        await waitUntilClosed(port);
        rmSync(workDir, { recursive: true, force: true });
      })()),
  };
}

/** Writes (or replaces) a served file, readable by the FTP user. */
export function writeServedFile(rootDir: string, path: string, content: string | Buffer): string {
  const file = join(rootDir, path.replace(/^\/+/, ''));
  mkdirSync(dirname(file), { recursive: true, mode: 0o755 });
  writeFileSync(file, content, { mode: 0o644 });
  chmodSync(file, 0o644);
  return file;
}

function ensureUser(user: string, password: string): void {
  if (!/^[a-z_][a-z0-9_-]{0,30}$/.test(user)) throw new Error(`not a valid local user name: ${user}`);
  try {
    execFileSync('id', ['-u', user], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['-m', '-s', '/bin/sh', user], { stdio: 'ignore' });
  }
  // Always (re)set: another test may have started the same user with another password.
  execFileSync('chpasswd', { input: `${user}:${password}\n` });
}

/**
 * Kills vsftpd and every process under it. Its session processes start their own sessions
 * (setsid), so the process group alone would leave running transfers behind: the tree is read from
 * /proc before anything is killed (orphans would be re-parented and lost from view).
 */
function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const pids = [...descendants(child.pid), child.pid];
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // "pid (comm) state ppid …": comm may hold spaces and parentheses, so parse after the last ")".
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended meanwhile
    }
  }
  const found: number[] = [];
  const visit = (pid: number) => {
    for (const next of children.get(pid) ?? []) {
      visit(next);
      found.push(next);
    }
  };
  visit(root);
  return found;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** The first of `count` consecutive free ports, picked at random in 30000-59999. */
async function freePortRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = 30000 + Math.floor(Math.random() * 3000) * 10;
    const checks = await Promise.all(Array.from({ length: count }, (_, i) => portIsFree(first + i)));
    if (checks.every(Boolean)) return first;
  }
  throw new Error(`no ${count} consecutive free ports found for vsftpd's passive range`);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitForPort(port: number, child: ChildProcess, stderr: () => string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`vsftpd exited (${child.exitCode ?? child.signalCode}): ${stderr().trim()}`);
    if (await accepts(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`vsftpd did not accept connections on 127.0.0.1:${port} within ${timeoutMs} ms: ${stderr().trim()}`);
}

async function waitUntilClosed(port: number, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && (await accepts(port))) await new Promise((resolve) => setTimeout(resolve, 50));
}
