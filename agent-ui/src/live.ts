import { io, type Socket } from 'socket.io-client';

// One Socket.IO connection to /agents for the whole console; the session cookie authenticates it.
let socket: Socket | undefined;

export function liveSocket(): Socket {
  socket ??= io('/agents', { withCredentials: true, transports: ['websocket'] });
  return socket;
}

export function closeLive(): void {
  socket?.disconnect();
  socket = undefined;
}
