import { changedLabKeys } from '../../protocol/lab.ts';
import { useWirelab } from '../store/index.ts';
import { LazyDetails } from './LazyDetails.tsx';
import { LabControls } from './lazy-views.ts';

/**
 * The network lab: faults the server applies to this tab's connections only, each with what it does and
 * where to see it. A learner who never opens it never waits for its controls. Closed, it still says how
 * many settings are away from their defaults once the server has told us (the panel opened, or a demo of
 * Interview practice set them): a fault left on explains a connection that behaves oddly later.
 */
export function LabPanel() {
  const changed = useWirelab((state) =>
    state.labSettings === null ? 0 : changedLabKeys(state.labSettings).length,
  );
  return (
    <LazyDetails
      className="lab-panel"
      summary={
        <>
          Network lab
          {changed > 0 && (
            <span className="lab-summary-changed">
              {' '}
              · {changed === 1 ? '1 setting on' : `${changed} settings on`}
            </span>
          )}
        </>
      }
      loading="Loading the lab’s controls…"
    >
      {(open) => <LabControls open={open} />}
    </LazyDetails>
  );
}
