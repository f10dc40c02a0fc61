import { type KeyboardEvent, Suspense, useRef, useState } from 'react';
import { DiagramPanel, LatencyPanel, RacePanel, WireTable } from './lazy-views.ts';

const TABS = [
  { id: 'sequence', label: 'Sequence diagram', Panel: DiagramPanel },
  { id: 'latency', label: 'Latency', Panel: LatencyPanel },
  { id: 'race', label: 'Race', Panel: RacePanel },
  { id: 'events', label: 'Events', Panel: WireTable },
] as const;
type TabId = (typeof TABS)[number]['id'];

/**
 * The views of the wire, one at a time (WAI-ARIA tabs: arrow keys move between tabs). Only the active
 * view is mounted, so a hidden chart costs nothing while events stream in.
 */
export function WireTabs() {
  const [active, setActive] = useState<TabId>('sequence');
  const tabRefs = useRef(new Map<TabId, HTMLButtonElement>());
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const index = TABS.findIndex((tab) => tab.id === active);
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    const next = TABS[(index + step + TABS.length) % TABS.length];
    if (!next) return;
    setActive(next.id);
    tabRefs.current.get(next.id)?.focus();
  };
  const current = TABS.find((tab) => tab.id === active) ?? TABS[0];
  return (
    <div className="wire-tabs">
      <div role="tablist" aria-label="Wire views" onKeyDown={onKeyDown}>
        {TABS.map((tab) => (
          <button
            key={tab.id}
            ref={(element) => {
              if (element) tabRefs.current.set(tab.id, element);
              else tabRefs.current.delete(tab.id);
            }}
            type="button"
            role="tab"
            id={`tab-${tab.id}`}
            aria-selected={tab.id === active}
            aria-controls={`panel-${tab.id}`}
            tabIndex={tab.id === active ? 0 : -1}
            onClick={() => setActive(tab.id)}
          >
            {tab.label}
          </button>
        ))}
      </div>
      <div
        role="tabpanel"
        id={`panel-${current.id}`}
        aria-labelledby={`tab-${current.id}`}
        className="wire-tab-panel"
      >
        <Suspense fallback={<p className="hint">Loading the {current.label} view…</p>}>
          <current.Panel />
        </Suspense>
      </div>
    </div>
  );
}
