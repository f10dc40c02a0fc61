/** One zustand store made of slices: session (who, where, how), chat (what was said), connection (the wire). */
import { create } from 'zustand';
import { type ChatSlice, createChatSlice } from './chat-slice.ts';
import { type ConnectionSlice, createConnectionSlice } from './connection-slice.ts';
import { createSessionSlice, type SessionSlice } from './session-slice.ts';

export type WirelabState = SessionSlice & ChatSlice & ConnectionSlice;

export const useWirelab = create<WirelabState>()((...args) => ({
  ...createSessionSlice(...args),
  ...createChatSlice(...args),
  ...createConnectionSlice(...args),
}));

export type { Notice } from './chat-log.ts';
export { presentNames } from './chat-log.ts';
export { resumeStoredSession } from './session-slice.ts';
