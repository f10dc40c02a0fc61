import type { StateCreator, StoreApi } from 'zustand';
import { DEFAULT_LAB_SETTINGS, type LabSettingsPatch } from '../../protocol/lab.ts';
import type { RehearsalDemo } from '../rehearse/questions.ts';
import type { WirelabState } from './index.ts';
import { waitUntil } from './wait.ts';

/** How long a demo waits for its new connection before arming its one-shot faults anyway. */
export const DEMO_CONNECT_TIMEOUT_MS = 10_000;

/**
 * Faults that fire once, on the next delivery. Armed before the new connection they would take its very
 * first delivery (the resume), so they are armed after it opened, where they take the next message.
 */
const ONE_SHOT_KEYS = ['dropNext', 'cutNextSseEvent'] as const satisfies readonly (keyof LabSettingsPatch)[];

export function splitOneShot(lab: LabSettingsPatch): {
  atConnect: LabSettingsPatch;
  oneShot: LabSettingsPatch;
} {
  const atConnect: LabSettingsPatch = { ...lab };
  const oneShot: LabSettingsPatch = {};
  for (const key of ONE_SHOT_KEYS) {
    if (lab[key] === undefined) continue;
    delete atConnect[key];
    Object.assign(oneShot, { [key]: lab[key] });
  }
  return { atConnect, oneShot };
}

/** Resolves when the chat connection is open, or after `timeoutMs` (the demo goes on either way). */
function whenOpen(api: StoreApi<WirelabState>, timeoutMs: number): Promise<void> {
  if (api.getState().status === 'open') return Promise.resolve();
  return waitUntil(
    (done) =>
      api.subscribe((state) => {
        if (state.status === 'open' || !state.joined) done();
      }),
    timeoutMs,
  );
}

export interface RehearseSlice {
  /** The interview question whose demo is being set up. */
  demoRunning: string | null;
  /** The question whose demo was set up last: its panel says what to watch. */
  demoShown: string | null;
  demoError: string | null;
  /**
   * Sets this tab up for a question's demo: the live capture (leaving a trace or a pause), the lab's
   * defaults with the demo's settings on top in one request, a new connection over the demo's transport,
   * the demo's wire tab, and once the connection is open, the demo's one-shot faults. The lab goes first,
   * so the new connection is made under its settings.
   */
  runDemo(questionId: string, demo: RehearsalDemo): Promise<void>;
}

export const createRehearseSlice: StateCreator<WirelabState, [], [], RehearseSlice> = (set, get, api) => {
  const labRefused = (): boolean => {
    const labError = get().labError;
    if (labError)
      set({ demoRunning: null, demoError: `The network lab did not take the demo's settings: ${labError}` });
    return labError !== null;
  };
  return {
    demoRunning: null,
    demoShown: null,
    demoError: null,
    async runDemo(questionId, demo) {
      if (!get().joined) {
        set({ demoError: 'Join a room first: a demo runs on your own connection.' });
        return;
      }
      set({ demoRunning: questionId, demoShown: null, demoError: null });
      if (get().importedTrace) get().leaveTrace();
      get().resume();
      get().selectEvent(null);
      const { atConnect, oneShot } = splitOneShot(demo.lab);
      await get().labChange({ ...DEFAULT_LAB_SETTINGS, ...atConnect });
      if (labRefused()) return;
      // Left while the lab answered: nothing to connect.
      if (!get().joined) {
        set({ demoRunning: null });
        return;
      }
      // Always a new connection: the diagram starts at its handshake, and settings read at connect time
      // (a blocked upgrade, deflate) apply. It resumes from the old one's cursor, so nothing is lost.
      get().disconnect();
      get().chooseTransport(demo.transport);
      get().connect();
      get().showWireTab(demo.tab);
      if (Object.keys(oneShot).length > 0) {
        await whenOpen(api, DEMO_CONNECT_TIMEOUT_MS);
        await get().labChange(oneShot);
        if (labRefused()) return;
      }
      set({ demoRunning: null, demoShown: questionId });
    },
  };
};
