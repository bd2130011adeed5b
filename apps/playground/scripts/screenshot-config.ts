// The gateway config the README's pictures are taken with: a fresh `pnpm start` has no prices, so
// simulator answers cost $0 there, and here too (test/screenshots.e2e.test.ts holds it to that).
// Only the simulator is slowed to realistic speeds.
export const SCREENSHOT_GATEWAY_CONFIG = {
  providers: { simulator: { type: 'simulator', options: { ttftMs: 240, tokensPerSecond: 70 } } },
};

/** The simulator models the synthetic usage history draws from. */
export const HISTORY_MODELS = ['simulator/echo', 'simulator/thinker', 'simulator/babble'] as const;
