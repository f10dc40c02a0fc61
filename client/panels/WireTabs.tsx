import { type ComponentType, type KeyboardEvent, Suspense, useRef } from 'react';
import { useWirelab, WIRE_TAB_IDS, type WireTabId } from '../store/index.ts';
import { DiagramPanel, LatencyPanel, RacePanel, WireTable } from './lazy-views.ts';

export const WIRE_TAB_LABELS: Readonly<Record<WireTabId, string>> = {
  sequence: 'Sequence diagram',
  latency: 'Latency',
  race: 'Race',
  events: 'Events',
};
const TAB_PANELS: Readonly<Record<WireTabId, ComponentType>> = {
  sequence: DiagramPanel,
  latency: LatencyPanel,
  race: RacePanel,
  events: WireTable,
};
const TABS = WIRE_TAB_IDS.map((id) => ({ id, label: WIRE_TAB_LABELS[id], Panel: TAB_PANELS[id] }));

/**
 * The views of the wire, one at a time (WAI-ARIA tabs: arrow keys move between tabs). Only the active
 * view is mounted, so a hidden chart costs nothing while events stream in.
 */
export function WireTabs() {
  const active = useWirelab((state) => state.wireTab);
  const setActive = useWirelab((state) => state.showWireTab);
  const tabRefs = useRef(new Map<WireTabId, HTMLButtonElement>());
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
  const current = { id: active, label: WIRE_TAB_LABELS[active], Panel: TAB_PANELS[active] };
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
