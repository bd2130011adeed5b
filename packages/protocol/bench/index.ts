/** Runs every protocol benchmark: `pnpm --filter @switchyard/protocol bench`. */
import { existsSync } from 'node:fs';
import { runValidateBench } from './validate.bench.js';

console.log('\n## Request validation and response parsing\n');
runValidateBench();

// decode.bench.ts is written alongside; run it when present.
const decode = './decode.bench.js';
if (existsSync(new URL('./decode.bench.ts', import.meta.url))) {
  const { runDecodeBench } = (await import(decode)) as { runDecodeBench?: () => Promise<void> };
  if (runDecodeBench) {
    console.log('\n## SSE decoding\n');
    await runDecodeBench();
  }
}
