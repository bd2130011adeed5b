/** Where and what the gateway's traces export (`telemetry` in the config, `OTEL_*` variables). */
export interface TracingConfig {
  /** The OTLP/HTTP export; undefined: tracing is off and the OpenTelemetry SDK is never loaded. */
  readonly otlp:
    | {
        /** The traces URL; undefined: the exporter reads the `OTEL_EXPORTER_OTLP_*` variables. */
        readonly url: string | undefined;
        readonly headers: Readonly<Record<string, string>>;
      }
    | undefined;
  /** Prompt and answer text go into spans only when this is true. */
  readonly captureContent: boolean;
}
