// Child processes of the benchmark: started with a readiness check and a deadline, their output
// in log files, every one of them killed when the harness exits (normally, on a signal or on an
// error), and their CPU time and memory read from /proc.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const running = new Set<ChildProcess>();
const temporary = new Set<string>();

/** Deletes `dir` when the harness exits, however it exits (after its children are gone). */
export function removeOnExit(dir: string): void {
  temporary.add(dir);
}

export interface StartProcessOptions<T> {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Directory for `<name>.out.log` / `<name>.err.log`. */
  readonly logDir: string;
  /** Reads the stdout log so far; returns a value once the process is ready. */
  readonly ready: (stdout: string) => T | undefined;
  readonly timeoutMs?: number;
  /** Open-file limit for the process (raised through `ulimit -n` in a shell that then execs). */
  readonly fdLimit?: number;
}

export interface Child {
  readonly name: string;
  readonly pid: number;
  readonly process: ChildProcess;
  readonly stdoutPath: string;
  readonly stderrPath: string;
  /** Resolves with the exit code (or the signal name) once the process has exited. */
  readonly exited: Promise<number | string | null>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
  /** The last lines of its logs, for error messages. */
  tail(lines?: number): string;
}

function tailOf(path: string, lines: number): string {
  if (!existsSync(path)) return '';
  return readFileSync(path, 'utf8').split('\n').slice(-lines).join('\n');
}

/** Starts a process whose output goes to log files; resolves once `ready` returns a value. */
export async function startProcess<T>(options: StartProcessOptions<T>): Promise<{ child: Child; value: T }> {
  const stdoutPath = join(options.logDir, `${options.name}.out.log`);
  const stderrPath = join(options.logDir, `${options.name}.err.log`);
  const out = openSync(stdoutPath, 'w');
  const err = openSync(stderrPath, 'w');
  const [command, args] =
    options.fdLimit === undefined
      ? [options.command, [...options.args]]
      : [
          '/bin/sh',
          [
            '-c',
            `ulimit -n ${options.fdLimit} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$@"`,
            'sh',
            options.command,
            ...options.args,
          ],
        ];
  const proc = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', out, err],
  });
  closeSync(out);
  closeSync(err);
  running.add(proc);
  const exited = new Promise<number | string | null>((resolve) => {
    proc.once('exit', (code, signal) => {
      running.delete(proc);
      resolve(code ?? signal);
    });
  });
  const tail = (lines = 30) =>
    `--- ${options.name} stdout ---\n${tailOf(stdoutPath, lines)}\n--- ${options.name} stderr ---\n${tailOf(stderrPath, lines)}`;
  const child: Child = {
    name: options.name,
    pid: proc.pid ?? -1,
    process: proc,
    stdoutPath,
    stderrPath,
    exited,
    tail,
    async stop(graceMs = 5_000) {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let exitedEarly = false;
  void exited.then(() => {
    exitedEarly = true;
  });
  while (true) {
    const value = options.ready(readFileSync(stdoutPath, 'utf8'));
    if (value !== undefined) return { child, value };
    if (exitedEarly) throw new Error(`${options.name} exited before it was ready\n${tail()}`);
    if (Date.now() > deadline) {
      await child.stop(1_000);
      throw new Error(`${options.name} was not ready within ${options.timeoutMs ?? 30_000} ms\n${tail()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Reads `{"event":"listening","port":N}` from a bench process's stdout. */
export function listeningPort(stdout: string): number | undefined {
  const match = /"event":"listening","port":(\d+)/.exec(stdout);
  return match ? Number(match[1]) : undefined;
}

/** Stops every child still running: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopAll(graceMs = 3_000): Promise<void> {
  const all = [...running];
  await Promise.all(
    all.map(
      (proc) =>
        new Promise<void>((resolve) => {
          if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
          const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
          proc.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          proc.kill('SIGTERM');
        }),
    ),
  );
}

let installed = false;

/**
 * Makes sure no child outlives the harness: SIGKILL on exit, a graceful stop then exit on
 * SIGINT/SIGTERM, and the same on an uncaught error.
 */
export function installCleanup(): void {
  if (installed) return;
  installed = true;
  process.on('exit', () => {
    for (const proc of running) proc.kill('SIGKILL');
    for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
  });
  const bail = (code: number) => {
    void stopAll(1_000).finally(() => process.exit(code));
  };
  process.on('SIGINT', () => {
    process.stderr.write('\ninterrupted: stopping the benchmark processes\n');
    bail(130);
  });
  process.on('SIGTERM', () => bail(143));
  process.on('uncaughtException', (error) => {
    process.stderr.write(`bench: ${error.stack ?? error.message}\n`);
    bail(1);
  });
  process.on('unhandledRejection', (error) => {
    process.stderr.write(
      `bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    bail(1);
  });
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * A process and its live children (the workers of `switchyard start --workers N`): the figures
 * below are summed over them, so that a cluster counts as one target.
 */
function family(pid: number): number[] {
  try {
    const children = readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
      readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
    );
    return [pid, ...children];
  } catch {
    return [pid];
  }
}

/** `read` summed over a process and its children; NaN when one of them cannot be read. */
function sumOver(pid: number, read: (pid: number) => number): number {
  return family(pid).reduce((sum, p) => {
    try {
      return sum + read(p);
    } catch {
      return Number.NaN;
    }
  }, 0);
}

/** User + system CPU time of a process (and its children) so far, in milliseconds (/proc/<pid>/stat). */
export function cpuMs(pid: number): number {
  return sumOver(pid, (p) => {
    const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
    // The command name (field 2) may contain spaces: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  });
}

/**
 * Time the main threads (the event loops) of a process and its children spent runnable but
 * waiting for a CPU, in milliseconds (/proc/<pid>/schedstat): on a shared machine, how much they
 * were starved.
 */
export function runQueueWaitMs(pid: number): number {
  return sumOver(pid, (p) => Number(readFileSync(`/proc/${p}/schedstat`, 'utf8').split(' ')[1]) / 1e6);
}

/**
 * CPU time of this process's children that have exited and been reaped (cutime + cstime), in
 * milliseconds: around one wrk run, the difference is wrk's CPU time.
 */
export function reapedChildrenCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / CLOCK_TICKS;
}

/** Resident memory now and its peak (VmRSS, VmHWM) of a process and its children, in MB. */
export function memoryMb(pid: number): { rss: number; peak: number } {
  const read = (p: number) => {
    try {
      const status = readFileSync(`/proc/${p}/status`, 'utf8');
      const kb = (field: string) =>
        Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
      return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
    } catch {
      return { rss: Number.NaN, peak: Number.NaN };
    }
  };
  const all = family(pid).map(read);
  return { rss: all.reduce((sum, m) => sum + m.rss, 0), peak: all.reduce((sum, m) => sum + m.peak, 0) };
}

/** Resets the peak RSS of a process and its children to their current RSS (Linux `clear_refs` 5). */
export function resetPeakMemory(pid: number): boolean {
  return family(pid).every((p) => {
    try {
      writeFileSync(`/proc/${p}/clear_refs`, '5');
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * The kernel's TCP listen-queue counters (whole machine, /proc/net/netstat): connections dropped
 * because a listening socket's accept queue was full, and SYN cookies sent because of it. Take the
 * difference around a run: a server that accepts too slowly makes clients see resets and stalls.
 */
export function listenQueueCounters(): { overflows: number; drops: number; syncookiesSent: number } {
  const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
  const header = lines.find((l) => l.startsWith('TcpExt:'))?.split(' ') ?? [];
  const values = lines.filter((l) => l.startsWith('TcpExt:'))[1]?.split(' ') ?? [];
  const get = (name: string) => Number(values[header.indexOf(name)] ?? Number.NaN);
  return {
    overflows: get('ListenOverflows'),
    drops: get('ListenDrops'),
    syncookiesSent: get('SyncookiesSent'),
  };
}

/** The 1, 5 and 15 minute load averages and the number of CPUs. */
export function loadAverage(): { load1: number; load5: number; load15: number } {
  const [load1, load5, load15] = readFileSync('/proc/loadavg', 'utf8').split(' ').map(Number);
  return { load1: load1!, load5: load5!, load15: load15! };
}
