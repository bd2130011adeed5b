import { describe, expect, it } from 'vitest';
import { structuredOutputMode, supportsNativeStructuredOutput } from './anthropic-model-capabilities.js';

describe('supportsNativeStructuredOutput', () => {
  it.each([
    ['claude-sonnet-4-5', true],
    ['claude-sonnet-4-5-20250929', true],
    ['claude-opus-4-1-20250805', true],
    ['claude-opus-4-5', true],
    ['claude-haiku-4-5', true],
    ['claude-sonnet-4-6', true],
    ['claude-opus-5', true],
    ['us.anthropic.claude-sonnet-4-5-20250929-v1:0', true],
    ['claude-opus-4-20250514', false],
    ['claude-sonnet-4-20250514', false],
    ['claude-3-7-sonnet-latest', false],
    ['claude-3-5-haiku-20241022', false],
    ['glm-4.6', false],
  ])('%s → %s', (model, expected) => {
    expect(supportsNativeStructuredOutput(model)).toBe(expected);
  });

  it('lets the setting override the model list', () => {
    expect(structuredOutputMode('auto', 'claude-3-7-sonnet-latest')).toBe('tool');
    expect(structuredOutputMode('native', 'claude-3-7-sonnet-latest')).toBe('native');
    expect(structuredOutputMode('tool', 'claude-sonnet-4-5')).toBe('tool');
  });
});
