// The adapter contract moved to @switchyard/adapter-kit; these names stay here for one minor
// version so that adapters written against server-kit keep building.
import type * as kit from '@switchyard/adapter-kit';
import {
  DEFAULT_MAX_RESPONSE_BYTES as KIT_DEFAULT_MAX_RESPONSE_BYTES,
  readLimitedText as kitReadLimitedText,
} from '@switchyard/adapter-kit';

/** @deprecated Import `ChatAdapter` from `@switchyard/adapter-kit`; server-kit drops it in its next minor version. */
export type ChatAdapter = kit.ChatAdapter;
/** @deprecated Import `AdapterContext` from `@switchyard/adapter-kit`; server-kit drops it in its next minor version. */
export type AdapterContext = kit.AdapterContext;
/** @deprecated Import `ListModelsContext` from `@switchyard/adapter-kit`; server-kit drops it in its next minor version. */
export type ListModelsContext = kit.ListModelsContext;
/** @deprecated Import `AdapterCapabilities` from `@switchyard/adapter-kit`; server-kit drops it in its next minor version. */
export type AdapterCapabilities = kit.AdapterCapabilities;
/** @deprecated Import `Logger` from `@switchyard/adapter-kit`; server-kit drops it in its next minor version. */
export type Logger = kit.Logger;
/** @deprecated Import `ReadLimitedTextOptions` from `@switchyard/adapter-kit`; server-kit drops it in its next minor version. */
export type ReadLimitedTextOptions = kit.ReadLimitedTextOptions;
/** @deprecated Import `DEFAULT_MAX_RESPONSE_BYTES` from `@switchyard/adapter-kit`; server-kit drops it in its next minor version. */
export const DEFAULT_MAX_RESPONSE_BYTES = KIT_DEFAULT_MAX_RESPONSE_BYTES;
/** @deprecated Import `readLimitedText` from `@switchyard/adapter-kit`; server-kit drops it in its next minor version. */
export const readLimitedText = kitReadLimitedText;
