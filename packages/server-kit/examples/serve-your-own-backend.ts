// Serve the chat-completions protocol from your own backend in ~35 lines.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChatAdapter } from '@switchyard/adapter-kit';
import { type ChatCompletionChunk, RateLimitError } from '@switchyard/protocol';
import { createChatServer, createNodeHandler } from '@switchyard/server-kit';

// Your backend: here, a model that shouts the last message back, one word per chunk.
const shouter: ChatAdapter = {
  specificationVersion: 'v1',
  provider: 'shouter',
  async listModels() {
    return [{ id: 'shouter-1', object: 'model', created: 0, owned_by: 'me' }];
  },
  async *stream(request, { signal }) {
    const last = request.messages.at(-1);
    const text = typeof last?.content === 'string' ? last.content : '';
    if (text.includes('busy')) throw new RateLimitError({ message: 'Too busy', code: 'rate_limit_exceeded' });
    const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 0, model: request.model };
    const chunk = (delta: object, finish: 'stop' | null = null): ChatCompletionChunk =>
      ({
        ...base,
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      }) as ChatCompletionChunk;
    yield chunk({ role: 'assistant', content: '' });
    for (const word of text.toUpperCase().split(' ')) {
      if (signal.aborted) return; // the client went away: stop working
      yield chunk({ content: `${word} ` });
    }
    yield chunk({}, 'stop');
  },
};

export const server = createServer(createNodeHandler(createChatServer({ adapters: [shouter] })));
// Run from the repository root (loopback only; PORT to change the port):
//   pnpm exec tsx --conditions=@switchyard/source packages/server-kit/examples/serve-your-own-backend.ts
if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.env.PORT ?? 8080);
  server.listen(port, '127.0.0.1', () => {
    const { address, port: bound } = server.address() as AddressInfo;
    console.log(`Listening on http://${address}:${bound}/v1`);
  });
}
