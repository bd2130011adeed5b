/** A fresh id in OpenAI's style: `resp_…`, `msg_…`, `fc_…`, `rs_…` and 32 hex digits. */
export function newId(prefix: 'resp' | 'msg' | 'fc' | 'rs' | 'fco'): string {
  return `${prefix}_${crypto.randomUUID().replaceAll('-', '')}`;
}
