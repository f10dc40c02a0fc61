/**
 * The wire views in chunks of their own, so the page's first load (benchmark goal 7, bundle size) carries
 * the join form, the chat and the transports: the sequence diagram (with d3) is fetched as the page mounts
 * it, the frame inspector, the Latency, Race and Events tabs, the lab's controls and the interview questions when opened, and
 * prefetchViews fetches all of them once the page is idle, so the first click on a tab does not wait either.
 */
import { lazy } from 'react';

const loaders = {
  diagram: () => import('./DiagramPanel.tsx'),
  frameInspector: () => import('../visualizations/frame/FrameInspector.tsx'),
  latency: () => import('./LatencyPanel.tsx'),
  race: () => import('./RacePanel.tsx'),
  events: () => import('./WireTable.tsx'),
  lab: () => import('./LabControls.tsx'),
  rehearse: () => import('./RehearseQuestions.tsx'),
};

export const FrameInspector = lazy(() =>
  loaders.frameInspector().then((module) => ({ default: module.FrameInspector })),
);
export const DiagramPanel = lazy(() =>
  loaders.diagram().then((module) => ({ default: module.DiagramPanel })),
);
export const LatencyPanel = lazy(() =>
  loaders.latency().then((module) => ({ default: module.LatencyPanel })),
);
export const RacePanel = lazy(() => loaders.race().then((module) => ({ default: module.RacePanel })));
export const WireTable = lazy(() => loaders.events().then((module) => ({ default: module.WireTable })));
export const LabControls = lazy(() => loaders.lab().then((module) => ({ default: module.LabControls })));
export const RehearseQuestions = lazy(() =>
  loaders.rehearse().then((module) => ({ default: module.RehearseQuestions })),
);

/** Fetches every lazy view's code when the browser has nothing better to do. */
export function prefetchViews(): void {
  const fetchAll = () => {
    for (const load of Object.values(loaders)) {
      load().catch((error: unknown) =>
        console.warn('Prefetching a view failed; it loads when opened', error),
      );
    }
  };
  if ('requestIdleCallback' in window) window.requestIdleCallback(fetchAll, { timeout: 3_000 });
  else setTimeout(fetchAll, 1_000);
}
