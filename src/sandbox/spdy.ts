// spdy-transport, made to accept Kubernetes' SPDY streams. The library serves HTTP over SPDY and
// rejects a SYN_STREAM without the `:method`/`:path` pseudo-headers, which Kubernetes streams
// (headers `streamtype`, `port`, `requestid`) never carry. We fill them in while the header block
// is parsed; framing, compression and flow control stay the library's.
import type { Duplex } from 'node:stream';
import transport from 'spdy-transport';
import type { SpdyConnection } from 'spdy-transport';

type KVParser = { parseKVs(buffer: unknown, callback: (err: Error | null, headers?: Record<string, string>) => void): void };

let patched = false;

function allowStreamsWithoutHttpHeaders(): void {
  if (patched) return;
  patched = true;
  const spdy = (transport as unknown as { protocol: { spdy: { parser: { create(o: object): KVParser } } } }).protocol.spdy;
  const proto = Object.getPrototypeOf(spdy.parser.create({ isServer: true, window: null })) as KVParser;
  const parseKVs = proto.parseKVs;
  proto.parseKVs = function (this: KVParser, buffer, callback) {
    parseKVs.call(this, buffer, (err, headers) => {
      if (!err && headers && headers.streamtype !== undefined) {
        headers[':method'] ??= 'POST';
        headers[':path'] ??= '/';
      }
      callback(err, headers);
    });
  };
}

export function spdyServerConnection(socket: Duplex): SpdyConnection {
  allowStreamsWithoutHttpHeaders();
  const connection = transport.connection.create(socket, { protocol: 'spdy', isServer: true });
  connection.start(3);
  return connection;
}
