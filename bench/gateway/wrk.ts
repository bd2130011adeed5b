import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./post.lua', import.meta.url));

export interface WrkOptions {
  readonly url: string;
  readonly bodyFile: string;
  readonly apiKey?: string | undefined;
  /** Extra request headers (a target's routing headers). */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly connections: number;
  readonly threads: number;
  readonly durationS: number;
  /** Called with wrk's pid once it runs (to read its CPU time). */
  readonly onStart?: (pid: number) => void;
}

export interface WrkResult {
  readonly requests: number;
  readonly durationS: number;
  readonly rps: number;
  readonly bytesPerRequest: number;
  readonly errors: {
    connect: number;
    read: number;
    write: number;
    /** Responses with a status other than 2xx/3xx. */
    status: number;
    timeout: number;
  };
  readonly latencyMs: { mean: number; p50: number; p90: number; p99: number; p999: number; max: number };
}

interface RawResult {
  requests: number;
  duration_us: number;
  bytes: number;
  errors: WrkResult['errors'];
  latency_us: { mean: number; max: number; p50: number; p90: number; p99: number; p999: number };
}

/** Headers as `name: value` lines, as post.lua reads them from `$BENCH_HEADERS`. */
export function headerLines(headers: Readonly<Record<string, string>> = {}): string {
  return Object.entries(headers)
    .map(([name, value]) => {
      if (/[\r\n:]/.test(name) || /[\r\n]/.test(value)) throw new Error(`bad header for wrk: ${name}`);
      return `${name}: ${value}\n`;
    })
    .join('');
}

/** Runs wrk once (bounded: killed `durationS + 20` s after start) and parses its summary line. */
export function runWrk(options: WrkOptions): Promise<WrkResult> {
  const threads = Math.max(1, Math.min(options.threads, options.connections));
  const args = [
    `-t${threads}`,
    `-c${options.connections}`,
    `-d${options.durationS}s`,
    '--timeout',
    '10s',
    '-s',
    SCRIPT,
    options.url,
  ];
  return new Promise((resolve, reject) => {
    const proc = spawn('wrk', args, {
      env: {
        ...process.env,
        BENCH_BODY_FILE: options.bodyFile,
        BENCH_API_KEY: options.apiKey ?? '',
        BENCH_HEADERS: headerLines(options.headers),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (proc.pid !== undefined) options.onStart?.(proc.pid);
    let out = '';
    let err = '';
    proc.stdout.setEncoding('utf8').on('data', (text: string) => {
      out += text;
    });
    proc.stderr.setEncoding('utf8').on('data', (text: string) => {
      err += text;
    });
    const timer = setTimeout(() => proc.kill('SIGKILL'), (options.durationS + 20) * 1000);
    proc.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`wrk could not start (is it installed? apt-get install wrk): ${error.message}`));
    });
    proc.once('exit', (code, signal) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
      if (!line) {
        reject(new Error(`wrk exited with ${code ?? signal} and no result:\n${out}\n${err}`));
        return;
      }
      const raw = JSON.parse(line.slice('BENCH_RESULT '.length)) as RawResult;
      const durationS = raw.duration_us / 1e6;
      const ms = (us: number) => us / 1000;
      resolve({
        requests: raw.requests,
        durationS,
        rps: raw.requests / durationS,
        bytesPerRequest: raw.requests > 0 ? raw.bytes / raw.requests : 0,
        errors: raw.errors,
        latencyMs: {
          mean: ms(raw.latency_us.mean),
          p50: ms(raw.latency_us.p50),
          p90: ms(raw.latency_us.p90),
          p99: ms(raw.latency_us.p99),
          p999: ms(raw.latency_us.p999),
          max: ms(raw.latency_us.max),
        },
      });
    });
  });
}

/** Requests that failed in a wrk run (socket errors, timeouts, non-2xx statuses). */
export function failures(result: WrkResult): number {
  const e = result.errors;
  return e.connect + e.read + e.write + e.status + e.timeout;
}
