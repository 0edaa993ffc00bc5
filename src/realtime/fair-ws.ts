import { WebSocketServer, type ServerOptions } from 'ws';

/**
 * The WebSocket server under Socket.IO (its `wsEngine`), with each connection's messages handed on one per turn of
 * the event loop (`allowSynchronousEvents: false`) instead of every message of a read at once. A client that writes
 * hundreds of frames in one go (a flooding visitor: 64 history requests, 100 typing toggles) then takes turns with
 * everyone else: another visitor's send or an agent's request read meanwhile is handled after one of its frames, not
 * after all of them. A frame costs one `setImmediate` more, which nobody notices at a person's pace.
 */
export class FairWebSocketServer extends WebSocketServer {
  constructor(options: ServerOptions) {
    super({ ...options, allowSynchronousEvents: false });
  }
}
