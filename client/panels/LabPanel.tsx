import { LazyDetails } from './LazyDetails.tsx';
import { LabControls } from './lazy-views.ts';

/**
 * The network lab: faults the server applies to this tab's connections only, each with what it does and
 * where to see it. A learner who never opens it never waits for its controls.
 */
export function LabPanel() {
  return (
    <LazyDetails className="lab-panel" summary="Network lab" loading="Loading the lab’s controls…">
      {(open) => <LabControls open={open} />}
    </LazyDetails>
  );
}
