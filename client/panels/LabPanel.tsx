import { Suspense, useState } from 'react';
import { LabControls } from './lazy-views.ts';

/**
 * The network lab: faults the server applies to this tab's connections only, each with what it does and
 * where to see it. Closed it is one line; its controls are fetched the first time it opens (and when the
 * page is idle), so a learner who never opens it never waits for them.
 */
export function LabPanel() {
  const [open, setOpen] = useState(false);
  const [opened, setOpened] = useState(false);
  return (
    <details
      className="panel lab-panel"
      onToggle={(event) => {
        const isOpen = event.currentTarget.open;
        setOpen(isOpen);
        if (isOpen) setOpened(true);
      }}
    >
      <summary>Network lab</summary>
      {opened && (
        <Suspense fallback={<p className="hint lab-body">Loading the lab’s controls…</p>}>
          <LabControls open={open} />
        </Suspense>
      )}
    </details>
  );
}
