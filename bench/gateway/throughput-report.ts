import { DEFAULT_STREAM_CHUNKS } from './fixtures.js';
import type { Options } from './options.js';
import { fmt, ratio, table } from './table.js';
import type { ThroughputResult } from './throughput.js';

/** The printed report: one table per mode, the TTFB table, the goals. */
export function renderThroughput(result: ThroughputResult, options: Options): string {
  const out: string[] = [];
  for (const mode of options.modes) {
    out.push(
      `\n${mode === 'json' ? 'Non-stream (~1 KB answer)' : `Stream (${DEFAULT_STREAM_CHUNKS} chunks + usage + [DONE])`}, median of ${options.rounds} round(s) × ${options.durationS} s`,
    );
    const rows: string[][] = [];
    for (const connections of options.concurrency) {
      const byTarget = result.summary[mode]![connections]!;
      for (const name of result.targets) {
        const s = byTarget[name]!;
        rows.push([
          String(connections),
          name,
          fmt(s.rps),
          fmt(s.p50Ms, 2),
          fmt(s.p99Ms, 2),
          `${fmt(s.cpuPercent)}%`,
          fmt(s.cpuUsPerRequest),
          s.upstreamCpuPercent >= 0 ? `${fmt(s.upstreamCpuPercent)}%` : '-',
          `${fmt(s.clientCpuPercent)}%`,
          `${fmt(s.runQueueWaitPercent)}%`,
          fmt(s.peakRssMb),
          fmt(s.failures),
        ]);
      }
      const r = result.ratios[mode]![connections]!;
      rows.push([
        '',
        'gw/proxy',
        ratio(r.throughput),
        ratio(r.p50),
        ratio(r.p99),
        '',
        ratio(r.cpuPerRequest),
        '',
        '',
        '',
        '',
        '',
      ]);
      if (options.anchor)
        rows.push([
          '',
          `gw/${options.anchor}`,
          ratio(r.throughputVsAnchor),
          ratio(r.p50VsAnchor),
          ratio(r.p99VsAnchor),
          '',
          ratio(r.cpuPerRequestVsAnchor),
          '',
          '',
          '',
          '',
          '',
        ]);
    }
    out.push(
      table(
        [
          'conns',
          'target',
          'req/s',
          'p50 ms',
          'p99 ms',
          'cpu',
          'cpu µs/req',
          'upstream cpu',
          'wrk cpu',
          'starved',
          'peak RSS MB',
          'errors',
        ],
        rows,
      ),
    );
  }
  out.push(
    `\nSequential stream TTFB (time to first body byte), ${options.ttfbRequests} requests × ${options.rounds} round(s)`,
  );
  out.push(
    table(
      ['target', 'p50 ms', 'p99 ms', 'full stream p50 ms'],
      result.targets.map((name) => {
        const t = result.ttfb[name]!;
        return [name, fmt(t.p50Ms, 3), fmt(t.p99Ms, 3), fmt(t.totalP50Ms, 3)];
      }),
    ),
  );
  out.push(
    `added by the gateway (p50): ${fmt(result.addedTtfb.vsProxyMs, 3)} ms over the ${options.proxy} proxy, ${fmt(result.addedTtfb.vsUpstreamMs, 3)} ms over the upstream; gateway's own x-switchyard-overhead-ms p50: ${fmt(result.ttfb.gateway?.reportedOverheadMs, 2)} ms`,
  );
  out.push(
    `\nGoals (issue 8; set against the bare proxy${options.proxy === 'bare' ? '' : `, shown here against the ${options.proxy} proxy`})`,
  );
  for (const g of result.goals) out.push(`  ${g.met ? 'MET    ' : 'MISSED '} ${g.goal}: ${fmt(g.value, 2)}`);
  if (result.anchor) {
    const { name, version, minThroughputRatio, comparisons } = result.anchor;
    out.push(`\nBeside ${name} ${version} (issue 21: gateway ≥ ${minThroughputRatio}× ${name}'s req/s)`);
    for (const c of comparisons)
      out.push(
        `  ${c.met ? 'MET    ' : 'MISSED '} ${c.mode} c=${c.connections}: gateway ÷ ${name} ${ratio(c.ratio)} (${fmt(c.gatewayRps)} vs ${fmt(c.anchorRps)} req/s)`,
      );
  }
  const c = result.counters;
  out.push(
    `\nGateway metrics: requests by status ${JSON.stringify(c.gateway.requestsByStatus)}, upstream errors ${c.gateway.upstreamErrors}, rejections ${c.gateway.rejections}, mean self-reported overhead ${fmt(c.gateway.meanOverheadMs, 3)} ms`,
  );
  for (const w of result.warnings) out.push(`WARNING: ${w}`);
  return out.join('\n');
}
