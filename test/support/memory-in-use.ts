/**
 * Memory a test can compare before and after building something: the JS heap and array buffers in use right
 * after full collections (exposes `gc` to this process if it is not yet). For checks of how compact a structure
 * is (bytes per entry), never of timing.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export function memoryInUse(): { heap: number; arrayBuffers: number; total: number } {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  for (let i = 0; i < 3; i++) gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return { heap: heapUsed, arrayBuffers, total: heapUsed + arrayBuffers };
}
