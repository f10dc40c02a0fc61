/// <reference types="vite/client" />
import { Profiler, type ProfilerOnRenderCallback, StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { prefetchViews } from './panels/lazy-views.ts';
import { resumeStoredSession, useWirelab } from './store/index.ts';
import './styles.css';
import './presenter.css';

declare global {
  interface Window {
    /** React commits since load; only the profiling build (bench/page-frames.ts) counts them. */
    __wirelabCommits?: number;
  }
}

const container = document.getElementById('root');
if (!container) throw new Error('index.html must contain <div id="root">');

const countCommit: ProfilerOnRenderCallback = () => {
  window.__wirelabCommits = (window.__wirelabCommits ?? 0) + 1;
};

const app = (
  <StrictMode>
    <App />
  </StrictMode>
);

// A build-time constant: the normal build drops the Profiler branch and carries no instrumentation.
createRoot(container).render(
  import.meta.env.MODE === 'profiling' ? (
    <Profiler id="app" onRender={countCommit}>
      {app}
    </Profiler>
  ) : (
    app
  ),
);

resumeStoredSession(useWirelab.getState());
prefetchViews();
// A reload or tab close: store the latest cursor with the messages so the next load resumes exactly.
window.addEventListener('pagehide', () => useWirelab.getState().saveRoomState());
