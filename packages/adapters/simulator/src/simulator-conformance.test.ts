import { runConformanceSuite } from '@switchyard/server-kit/testing';
import { createSimulatorAdapter } from './simulator-adapter.js';

const say = (content: string) => ({ messages: [{ role: 'user', content }] });

runConformanceSuite({
  name: 'simulator',
  createAdapter: () => createSimulatorAdapter(),
  models: ['simulator/echo', 'simulator/thinker', 'simulator/babble'],
  // 20 tokens/s: the essay is still streaming when the kit disconnects.
  slowRequest: say('Write a long essay about railways. [simulate:tps=20]'),
  errorCases: [
    {
      name: 'rate limit',
      request: say('hi [simulate:rate_limit]'),
      status: 429,
      code: 'rate_limit_exceeded',
    },
    { name: 'overloaded', request: say('hi [simulate:error=overloaded]'), status: 529, code: 'overloaded' },
    {
      name: 'context too long',
      request: say('hi [simulate:error=context_length_exceeded]'),
      status: 400,
      code: 'context_length_exceeded',
    },
    {
      name: 'failure mid-stream',
      request: say('tell me something long [simulate:midstream_error]'),
      status: 500,
      code: 'server_error',
      when: 'mid-stream',
    },
    {
      name: 'dropped stream',
      request: say('tell me something [simulate:truncate]'),
      status: 502,
      code: 'stream_incomplete',
      when: 'mid-stream',
    },
  ],
});
