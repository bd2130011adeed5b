import type { TracingConfig } from '../config/tracing-config.js';
import type { RequestTracer } from './request-tracer.js';

/**
 * The request tracer when tracing is on, else undefined. The OpenTelemetry SDK is imported here
 * and only here, on demand: a gateway without tracing never loads it.
 */
export async function openTracer(config: TracingConfig): Promise<RequestTracer | undefined> {
  if (!config.otlp) return undefined;
  const { createOtelTracer } = await import('./otel-tracer.js');
  return createOtelTracer({ ...config, otlp: config.otlp });
}
