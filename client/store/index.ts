/**
 * One zustand store made of slices: session (who, where, how), chat (what was said), connection (the chat
 * transport), wire (what the server saw on the wire, from the inspector channel), view (what the
 * visualizations show: live or paused, live capture or an imported trace, the selection, the open tab), lab
 * (this tab's network lab settings as the server holds them) and rehearse (setting the tab up for an
 * interview question's demo).
 */
import { create } from 'zustand';
import { type ChatSlice, createChatSlice } from './chat-slice.ts';
import { type ConnectionSlice, createConnectionSlice } from './connection-slice.ts';
import { createLabSlice, type LabSlice } from './lab-slice.ts';
import { createRehearseSlice, type RehearseSlice } from './rehearse-slice.ts';
import { createSessionSlice, type SessionSlice } from './session-slice.ts';
import { createViewSlice, type ViewSlice } from './view-slice.ts';
import { createWireSlice, type WireSlice } from './wire-slice.ts';

export type WirelabState = SessionSlice &
  ChatSlice &
  ConnectionSlice &
  WireSlice &
  ViewSlice &
  LabSlice &
  RehearseSlice;

export const useWirelab = create<WirelabState>()((...args) => ({
  ...createSessionSlice(...args),
  ...createChatSlice(...args),
  ...createConnectionSlice(...args),
  ...createWireSlice(...args),
  ...createViewSlice(...args),
  ...createLabSlice(...args),
  ...createRehearseSlice(...args),
}));

export type { Notice } from './chat-log.ts';
export { presentNames } from './chat-log.ts';
export { activeTransportKind, type ConnectionDrop } from './connection-slice.ts';
export { resumeStoredSession } from './session-slice.ts';
export {
  eventBySeq,
  indexAtOrAfter,
  PLAYBACK_SPEEDS,
  type PlaybackSpeed,
  type ShownUnitCounts,
  selectShownUnitCounts,
  selectVisibleEvents,
  sourceEvents,
  sourceMessages,
  WIRE_TAB_IDS,
  type WireTabId,
} from './view-slice.ts';
export type { UnitCounts } from './wire-ring.ts';
export { MAX_WIRE_EVENTS } from './wire-ring.ts';
