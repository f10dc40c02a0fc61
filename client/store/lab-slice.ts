import type { StateCreator } from 'zustand';
import type { LabKillRequest, LabSettings, LabSettingsPatch } from '../../protocol/lab.ts';
import { getLab, killConnections, type LabApiOptions, resetLab, updateLab } from '../lab/api.ts';
import type { WirelabState } from './index.ts';

export interface LabSlice {
  /** This tab's lab settings as the server last said it holds them; null until it has answered once. */
  labSettings: LabSettings | null;
  /** A request is on its way. */
  labBusy: boolean;
  /**
   * Changes sent but not yet answered: the controls show them at once (a checkbox that waits a round trip
   * to tick feels broken); the "server holds" line shows only labSettings.
   */
  labPending: LabSettingsPatch;
  /** The last request's failure, in words (the server's own when it sent them). */
  labError: string | null;
  /** What the last kill did: "Ended 1 connection cleanly with 1012." */
  labKillResult: string | null;
  labLoad(): Promise<void>;
  labChange(patch: LabSettingsPatch): Promise<void>;
  labReset(): Promise<void>;
  labKill(request: LabKillRequest): Promise<void>;
}

export function describeKill(request: LabKillRequest, killed: number): string {
  const count = killed === 1 ? '1 connection' : `${killed} connections`;
  if (killed === 0) return 'Nothing to end: this tab has no chat connection open.';
  return request.mode === 'reset'
    ? `Reset ${count} (TCP RST, no close frame).`
    : `Ended ${count} cleanly${request.code === undefined ? '' : ` with ${request.code}`}.`;
}

export const createLabSlice: StateCreator<WirelabState, [], [], LabSlice> = (set, get) => {
  // One request at a time, in the order the learner acted: two quick toggles must not have their answers
  // cross, or the panel would show the older settings as the server's.
  let queue: Promise<void> = Promise.resolve();
  const options = (): LabApiOptions => ({ clientId: get().clientId });

  const run = (work: () => Promise<Partial<LabSlice>>): Promise<void> => {
    const next = queue.then(async () => {
      set({ labBusy: true, labError: null });
      try {
        set({ ...(await work()), labBusy: false });
      } catch (error) {
        set({ labBusy: false, labError: error instanceof Error ? error.message : String(error) });
      }
    });
    queue = next;
    return next;
  };

  return {
    labSettings: null,
    labBusy: false,
    labPending: {},
    labError: null,
    labKillResult: null,
    labLoad: () => run(async () => ({ labSettings: (await getLab(options())).settings })),
    labChange: (patch) => {
      set({ labPending: { ...get().labPending, ...patch } });
      const done = run(async () => ({ labSettings: (await updateLab(options(), patch)).settings }));
      // Answered or refused, the server's settings are the truth again (a refused value snaps back).
      return done.finally(() => {
        const pending = { ...get().labPending };
        for (const key of Object.keys(patch) as (keyof LabSettingsPatch)[]) delete pending[key];
        set({ labPending: pending });
      });
    },
    labReset: () => run(async () => ({ labSettings: (await resetLab(options())).settings })),
    labKill: (request) =>
      run(async () => {
        const answer = await killConnections(options(), request);
        return { labKillResult: describeKill(request, answer.killed) };
      }),
  };
};
