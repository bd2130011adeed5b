import { parseChatCompletionRequest } from '@switchyard/protocol';
import { describe, expect, it } from 'vitest';
import { buildParams, composeRequest, settingsIssues } from './build-request.js';
import { type ChatSettings, defaultSettings, EXAMPLE_TOOL_PARAMETERS } from './chat-settings.js';
import type { TreeMessage } from './conversation-tree.js';

const settings = (patch: Partial<ChatSettings> = {}): ChatSettings => ({
  ...defaultSettings('simulator/echo'),
  ...patch,
});
const tool = (patch: Partial<ChatSettings['tools'][number]> = {}) => ({
  id: 't1',
  name: 'get_weather',
  description: 'Weather now',
  parameters: EXAMPLE_TOOL_PARAMETERS,
  cannedResult: '',
  ...patch,
});

describe('request building', () => {
  it('leaves out every field the user did not set, and streams with usage', () => {
    expect(buildParams(settings())).toEqual({
      model: 'simulator/echo',
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(buildParams(settings({ stream: false }))).toEqual({ model: 'simulator/echo' });
  });

  it('maps every setting to its wire field, and the result passes protocol validation', () => {
    const params = buildParams(
      settings({
        temperature: 0.2,
        topP: 0.9,
        maxTokens: 64,
        seed: 7,
        stop: ['END', '###'],
        thinking: 'enabled',
        tools: [tool()],
        toolChoice: 'required',
        responseFormat: { type: 'json_schema', name: 'city', schema: '{"type":"object"}', strict: true },
      }),
    );
    expect(params).toEqual({
      model: 'simulator/echo',
      temperature: 0.2,
      top_p: 0.9,
      max_tokens: 64,
      stop: ['END', '###'],
      seed: 7,
      thinking: { type: 'enabled' },
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Weather now',
            parameters: JSON.parse(EXAMPLE_TOOL_PARAMETERS),
          },
        },
      ],
      tool_choice: 'required',
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'city', schema: { type: 'object' }, strict: true },
      },
      stream: true,
      stream_options: { include_usage: true },
    });
    const request = composeRequest(params, 'Be brief.', [{ role: 'user', content: 'Hi' }]);
    expect(parseChatCompletionRequest(request)).toEqual(request);
  });

  it('sends one stop sequence as a string, and json_object as its own type', () => {
    const params = buildParams(
      settings({
        stop: ['END'],
        responseFormat: { ...defaultSettings().responseFormat, type: 'json_object' },
      }),
    );
    expect(params.stop).toBe('END');
    expect(params.response_format).toEqual({ type: 'json_object' });
  });

  it('puts model first, the system prompt before the conversation, and replays tool turns without reasoning', () => {
    const messages: TreeMessage[] = [
      { role: 'user', content: 'Weather in Paris?' },
      {
        role: 'assistant',
        content: null,
        reasoning_content: 'I should call the tool.',
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '{"temp":21}' },
      { role: 'assistant', content: 'It is 21 °C.', tool_calls: [] },
    ];
    const request = composeRequest({ model: 'm', temperature: 1 }, 'You are terse.', messages);
    expect(Object.keys(request)).toEqual(['model', 'messages', 'temperature']);
    expect(request.messages).toEqual([
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Weather in Paris?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '{"temp":21}' },
      { role: 'assistant', content: 'It is 21 °C.' },
    ]);
    expect(() => parseChatCompletionRequest(request)).not.toThrow();
    expect(composeRequest({ model: 'm' }, '   ', messages.slice(0, 1)).messages).toHaveLength(1);
  });

  it('names each invalid setting', () => {
    const issues = settingsIssues(
      settings({
        model: '',
        temperature: 3,
        topP: -0.1,
        maxTokens: 1.5,
        seed: 0.5,
        stop: ['a', 'b', 'c', 'd', 'e'],
        tools: [
          tool({ name: 'bad name' }),
          tool({ id: 't2', parameters: '{"type": "object", "properties": [] }' }),
        ],
        responseFormat: { type: 'json_schema', name: 'ok', schema: '{"type": "strin"}', strict: true },
      }),
    );
    expect(issues.map((issue) => issue.field)).toEqual([
      'model',
      'temperature',
      'topP',
      'maxTokens',
      'seed',
      'stop',
      'tools.t1.name',
      'tools.t2.parameters',
      'responseFormat.schema',
    ]);
    expect(issues.find((i) => i.field === 'responseFormat.schema')?.message).toContain(
      'unknown type "strin"',
    );
    expect(settingsIssues(settings({ tools: [tool(), tool({ id: 't2' })] }))[0]?.message).toContain(
      'Two tools',
    );
    expect(settingsIssues(settings({ tools: [tool({ parameters: '' })] }))).toEqual([]);
  });
});
