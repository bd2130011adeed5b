import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { RedactedUrls } from './otel-tracer.js';

describe('RedactedUrls', () => {
  it("hides credentials in an upstream call's url.full and url.query before any exporter sees them", () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      spanProcessors: [new RedactedUrls(), new SimpleSpanProcessor(exporter)],
    });
    provider
      .getTracer('test')
      .startSpan('POST', {
        attributes: {
          'url.full': 'https://user:pw@upstream.example/v1/chat?key=s3cret&alt=sse',
          'url.query': '?key=s3cret&alt=sse',
        },
      })
      .end();
    const [span] = exporter.getFinishedSpans();
    expect(span?.attributes).toEqual({
      'url.full': 'https://[redacted]@upstream.example/v1/chat?key=[redacted]&alt=sse',
      'url.query': '?key=[redacted]&alt=sse',
    });
    expect(JSON.stringify(span?.attributes)).not.toContain('s3cret');
  });
});
