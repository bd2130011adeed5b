import type { ChatAdapter, TimeoutSettings } from '@switchyard/adapter-kit';

/** A body the kit's test upstream serves: recorded from the provider, or built from its documented examples. */
export interface UpstreamBody {
  readonly contentType: string;
  readonly body: string;
}

/** What the adapter is built with against the kit's test upstream. */
export interface ConformanceUpstreamSettings {
  /** The test upstream's origin plus {@link ConformanceUpstream.basePath}. */
  readonly baseURL: string;
  /** A key the kit recognises in error answers (it checks the adapter never repeats it). */
  readonly apiKey: string;
  /** Pass it on as the adapter's `timeout` (adapter-kit's model: `total`, `headers`, `idle`). */
  readonly timeout: TimeoutSettings;
}

/**
 * How the conformance kit plays the adapter's upstream to check what a real provider only does
 * when it misbehaves: stalls, cuts, errors with retry hints, an error echoing the key. The kit
 * answers every path with these bodies, whatever the adapter asks for.
 */
export interface ConformanceUpstream {
  /** Builds the adapter against the kit's upstream; called once per timeout the kit needs. */
  createAdapter(settings: ConformanceUpstreamSettings): ChatAdapter | Promise<ChatAdapter>;
  /** Appended to the upstream's origin to make `baseURL`, e.g. `/v1`. Default: none. */
  readonly basePath?: string;
  /** The model id to request. */
  readonly model: string;
  /** The provider's answer to a plain request, in its own format. */
  readonly completion: UpstreamBody;
  /** The provider's streamed answer to a plain request (at least two events), in its own framing. */
  readonly stream: UpstreamBody;
  /** The provider's own error body for `message` at `status` (e.g. `{"error":{"message":…}}`). */
  errorBody(message: string, status: number): string;
  /**
   * Request fields, beyond adapter-kit's `METADATA_ONLY_FIELDS`, that the adapter accepts and
   * drops on purpose (each listed in its README with the reason). Every other probed field must be
   * sent on or rejected.
   */
  readonly ignoredFields?: readonly string[];
}
