// Types for the part of spdy-transport (no bundled typings) that port-forward uses.
declare module 'spdy-transport' {
  import type { Duplex } from 'node:stream';
  import type { EventEmitter } from 'node:events';

  export interface SpdyStream extends Duplex {
    id: number;
    headers: Record<string, string | undefined>;
    respond(status: number, headers: Record<string, string>, callback?: () => void): void;
    abort(code?: string, callback?: () => void): void;
  }

  export interface SpdyConnection extends EventEmitter {
    start(version: number): void;
    end(callback?: () => void): void;
    destroyStreams(error?: Error): void;
    on(event: 'stream', listener: (stream: SpdyStream) => void): this;
    on(event: 'error' | 'close' | 'goaway', listener: (...args: unknown[]) => void): this;
  }

  const transport: {
    connection: { create(socket: Duplex, options: { protocol: 'spdy' | 'http2'; isServer: boolean; [key: string]: unknown }): SpdyConnection };
  };
  export default transport;
}
