import { availableParallelism } from 'node:os';
import { expect, it } from 'vitest';
import { parseWorkers, workerCount } from './worker-count.js';

it('reads --workers: a positive integer or auto', () => {
  expect(['1', '4', ' 2 ', 'auto', '0', '-1', '1.5', 'x', ''].map(parseWorkers)).toEqual([
    1,
    4,
    2,
    'auto',
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
  ]);
  expect(workerCount('auto')).toBe(availableParallelism());
  expect(workerCount(3)).toBe(3);
});
