/** What the adapter must know about a model to build its request. */
export interface GeminiModelTraits {
  /**
   * Gemini 3 and later take `thinkingLevel` and validate thought signatures on replayed function
   * calls; Gemini 2.5 and unknown models take a `thinkingBudget`.
   */
  readonly thinking: 'level' | 'budget';
  /** Gemma models reject `systemInstruction`; their system text goes into the first user turn. */
  readonly systemInstruction: boolean;
}

/** Reads the traits from the model name (`gemini-3-pro-preview`, `models/gemma-3-27b-it`, …). */
export function geminiModelTraits(model: string): GeminiModelTraits {
  const name = model.slice(model.lastIndexOf('/') + 1).toLowerCase();
  const version = /^gemini-(\d+)/.exec(name);
  return {
    thinking: version?.[1] !== undefined && Number(version[1]) >= 3 ? 'level' : 'budget',
    systemInstruction: !name.startsWith('gemma'),
  };
}
