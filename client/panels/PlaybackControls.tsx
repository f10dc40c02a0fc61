/**
 * Playback of the wire views: live or paused, step, scrub, slow motion, clear; save the session as a
 * trace and load one for an offline replay; save the diagram as SVG; the presenter theme for projectors.
 */
import { type ChangeEvent, useEffect, useRef, useState } from 'react';
import { parseTrace } from '../../protocol/trace.ts';
import { PLAYBACK_SPEEDS, type PlaybackSpeed, sourceEvents, useWirelab } from '../store/index.ts';
import { restorePresenterTheme, setPresenterTheme, usePresenterTheme } from './presenter-theme.ts';
import { buildTrace, downloadText, traceFileName } from './trace-file.ts';
import { useWireSnapshot } from './wire-snapshot.ts';

const SPEED_LABELS: Readonly<Record<PlaybackSpeed, string>> = {
  1: '1× (real time)',
  0.5: '0.5× slow motion',
  0.25: '0.25× slow motion',
};

function isSpeed(value: number): value is PlaybackSpeed {
  return PLAYBACK_SPEEDS.some((speed) => speed === value);
}

function Scrubber() {
  const events = useWireSnapshot().allEvents;
  const isLive = useWirelab((state) => state.isLive);
  const cutoff = useWirelab((state) => state.cutoffEventSeq);
  const scrubTo = useWirelab((state) => state.scrubTo);
  const last = events.length - 1;
  const found = cutoff === null ? -1 : events.findIndex((event) => event.eventSeq >= cutoff);
  const index = isLive || found < 0 ? last : found;
  const onChange = (change: ChangeEvent<HTMLInputElement>) => {
    const event = events[Number(change.currentTarget.value)];
    if (event) scrubTo(event.eventSeq);
  };
  return (
    <label className="scrubber">
      Event
      <input
        type="range"
        min={0}
        max={Math.max(0, last)}
        step={1}
        value={Math.max(0, index)}
        disabled={events.length === 0}
        aria-valuetext={events.length === 0 ? 'no events' : `event ${index + 1} of ${events.length}`}
        onChange={onChange}
      />
    </label>
  );
}

export function PlaybackControls() {
  const isLive = useWirelab((state) => state.isLive);
  const cutoff = useWirelab((state) => state.cutoffEventSeq);
  const speed = useWirelab((state) => state.speed);
  const importedTrace = useWirelab((state) => state.importedTrace);
  const hasEvents = useWirelab((state) => sourceEvents(state).length > 0);
  const { pause, resume, step, setSpeed, clearWire, loadTrace, leaveTrace } = useWirelab.getState();
  const presenter = usePresenterTheme();
  const [error, setError] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  useEffect(restorePresenterTheme, []);

  const exportTrace = () => {
    const trace = buildTrace(useWirelab.getState(), Date.now());
    downloadText(traceFileName(trace), `${JSON.stringify(trace, null, 2)}\n`, 'application/json');
  };

  const importTrace = async (change: ChangeEvent<HTMLInputElement>) => {
    const input = change.currentTarget;
    const file = input.files?.[0];
    // Cleared, so picking the same file again is a change too.
    input.value = '';
    if (!file) return;
    const parsed = parseTrace(await file.text());
    if (!parsed.ok) {
      setError(`Could not import ${file.name}: ${parsed.message}.`);
      return;
    }
    setError(null);
    loadTrace(parsed.trace);
  };

  const exportSvg = () => {
    const svg = document.querySelector('svg[data-diagram="sequence"]');
    if (!(svg instanceof SVGSVGElement)) {
      setError('Open the Sequence diagram tab to export it as SVG.');
      return;
    }
    setError(null);
    const text = `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(svg)}\n`;
    const trace = buildTrace(useWirelab.getState(), Date.now());
    downloadText(traceFileName(trace, 'svg'), text, 'image/svg+xml');
  };

  return (
    <fieldset className="playback-controls">
      <legend className="visually-hidden">Playback</legend>
      {importedTrace && (
        <p className="trace-banner">
          Replaying a trace of room {importedTrace.room} over {importedTrace.transport} (
          {importedTrace.events.length} wire units). The live capture goes on underneath.{' '}
          <button type="button" onClick={leaveTrace}>
            Back to live
          </button>
        </p>
      )}
      <span className="playback-state" aria-live="polite">
        {isLive ? (importedTrace ? 'Showing all' : 'Live') : `Paused at event ${cutoff ?? '–'}`}
      </span>
      {isLive ? (
        <button type="button" onClick={pause} disabled={!hasEvents}>
          Pause
        </button>
      ) : (
        <button type="button" onClick={resume}>
          Resume
        </button>
      )}
      <button type="button" onClick={() => step(-1)} disabled={!hasEvents}>
        Step back
      </button>
      <button type="button" onClick={() => step(1)} disabled={!hasEvents}>
        Step forward
      </button>
      <Scrubber />
      <label>
        Speed{' '}
        <select
          value={speed}
          onChange={(change) => {
            const value = Number(change.currentTarget.value);
            if (isSpeed(value)) setSpeed(value);
          }}
        >
          {PLAYBACK_SPEEDS.map((option) => (
            <option key={option} value={option}>
              {SPEED_LABELS[option]}
            </option>
          ))}
        </select>
      </label>
      <button type="button" onClick={clearWire} disabled={importedTrace !== null}>
        Clear
      </button>
      <button type="button" onClick={exportTrace}>
        Export trace
      </button>
      <button type="button" onClick={() => fileInput.current?.click()}>
        Import trace
      </button>
      <input
        ref={fileInput}
        className="visually-hidden"
        type="file"
        accept="application/json,.json"
        aria-label="Trace file to import"
        tabIndex={-1}
        onChange={(change) => void importTrace(change)}
      />
      <button type="button" onClick={exportSvg}>
        Export SVG
      </button>
      <button type="button" aria-pressed={presenter} onClick={() => setPresenterTheme(!presenter)}>
        Presenter theme
      </button>
      {error && (
        <p className="import-error" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}
