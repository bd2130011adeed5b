let counter = 0;

/**
 * A short unique id for conversations, messages and tools. Not `crypto.randomUUID()`: that exists
 * only in secure contexts, and a gateway reached over plain http on a LAN address is not one.
 */
export function createId(prefix = ''): string {
  counter = (counter + 1) % 1_679_616;
  return (
    prefix +
    Date.now().toString(36) +
    counter.toString(36).padStart(4, '0') +
    Math.floor(Math.random() * 1_679_616)
      .toString(36)
      .padStart(4, '0')
  );
}
