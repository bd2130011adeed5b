/** A Messages id (`msg_…`) for a canonical completion id. */
export function messageId(id: string): string {
  return id.startsWith('msg_') ? id : `msg_${id}`;
}
