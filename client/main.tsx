/// <reference types="vite/client" />
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { prefetchViews } from './panels/lazy-views.ts';
import { resumeStoredSession, useWirelab } from './store/index.ts';
import './styles.css';
import './presenter.css';

const container = document.getElementById('root');
if (!container) throw new Error('index.html must contain <div id="root">');

createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

resumeStoredSession(useWirelab.getState());
prefetchViews();
// A reload or tab close: store the latest cursor with the messages so the next load resumes exactly.
window.addEventListener('pagehide', () => useWirelab.getState().saveRoomState());
