// Wake-ups from the other relays: one dedicated connection LISTENs on hk_audit, and every append
// commits a NOTIFY there (chain-writer.ts). A notification only says "read on": the entries
// themselves are always read from hk_audit, in seq order, so a lost or merged notification
// costs a little latency, never an entry.
//
// The connection is re-made when the database goes away; after each (re)connect the listener is
// woken once, since entries may have been committed while nobody listened.
import pg from 'pg';

export type Listening = { close(): Promise<void>; connected(): boolean };

export const AUDIT_CHANNEL = 'hk_audit';
export const KEYS_CHANNEL = 'hk_keys';

export function listenForAppends(url: string, onWake: (channel: string, payload?: string) => void): Listening {
  let client: pg.Client | null = null;
  let closed = false;
  let retryMs = 100;
  let timer: NodeJS.Timeout | null = null;

  const reconnectSoon = () => {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = null;
      void connect();
    }, retryMs);
    timer.unref();
    retryMs = Math.min(retryMs * 2, 2000);
  };

  async function connect(): Promise<void> {
    const next = new pg.Client({ connectionString: url, application_name: 'hkubectl-relay-listen' });
    const lost = () => {
      if (client === next) client = null;
      next.removeAllListeners('notification');
      void next.end().catch(() => {});
      reconnectSoon();
    };
    next.on('error', lost);
    next.on('end', lost);
    next.on('notification', (message) => onWake(message.channel, message.payload));
    try {
      await next.connect();
      await next.query(`LISTEN ${AUDIT_CHANNEL}`);
      await next.query(`LISTEN ${KEYS_CHANNEL}`);
    } catch {
      next.removeAllListeners('end');
      lost();
      return;
    }
    if (closed) {
      await next.end().catch(() => {});
      return;
    }
    client = next;
    retryMs = 100;
    onWake(AUDIT_CHANNEL);
    onWake(KEYS_CHANNEL);
  }

  void connect();
  return {
    connected: () => client !== null,
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      const current = client;
      client = null;
      if (current) {
        current.removeAllListeners('end');
        await current.end().catch(() => {});
      }
    },
  };
}
