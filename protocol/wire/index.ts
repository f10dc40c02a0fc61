/** Wirelab's wire decoders: bytes in, layers out, never a throw. */
export * from './http1.ts';
export * from './inflate.ts';
export * from './layers.ts';
export * from './sse.ts';
export * from './ws-deflate.ts';
export * from './ws-frame.ts';
export * from './ws-handshake.ts';
export * from './ws-message.ts';
export * from './ws-message-layers.ts';
export * from './ws-message-stream.ts';
export * from './ws-names.ts';
