import { useId } from 'react';
import { changedLabKeys, DEFAULT_LAB_SETTINGS, type LabSettingsPatch } from '../../protocol/lab.ts';
import { describeChanged, type LabSettingKey, SETTING_TEXTS } from '../lab/explanations.ts';
import {
  LEVEL_LABELS,
  REHEARSAL_QUESTIONS,
  type RehearsalDemo,
  type RehearsalQuestion,
} from '../rehearse/questions.ts';
import { useWirelab } from '../store/index.ts';
import { TRANSPORT_LABELS } from '../transports/index.ts';
import { WIRE_TAB_LABELS } from './WireTabs.tsx';

/** What a demo sets up, in one line: "WebSocket · lab: Stop heartbeats, Proxy idle timeout (ms) = 30000 · Race". */
export function describeDemo(demo: RehearsalDemo): string {
  const changed = (Object.keys(demo.lab) as (keyof LabSettingsPatch)[]).filter(
    (key) => demo.lab[key] !== undefined && demo.lab[key] !== DEFAULT_LAB_SETTINGS[key],
  );
  const lab =
    changed.length === 0
      ? 'lab at its defaults'
      : `lab: ${changed
          .map((key: LabSettingKey) => {
            const value = demo.lab[key];
            return typeof value === 'boolean'
              ? SETTING_TEXTS[key].label
              : `${SETTING_TEXTS[key].label} = ${value}`;
          })
          .join(', ')}`;
  return `${TRANSPORT_LABELS[demo.transport]} · ${lab} · ${WIRE_TAB_LABELS[demo.tab]}`;
}

function Demo({ questionId, demo }: { questionId: string; demo: RehearsalDemo }) {
  const joined = useWirelab((state) => state.joined);
  const running = useWirelab((state) => state.demoRunning);
  const shown = useWirelab((state) => state.demoShown === questionId);
  const labSettings = useWirelab((state) => state.labSettings);
  const labBusy = useWirelab((state) => state.labBusy);
  const labReset = useWirelab((state) => state.labReset);
  const runDemo = useWirelab((state) => state.runDemo);
  const id = useId();
  return (
    <div className="rehearse-demo">
      <button
        type="button"
        disabled={!joined || running !== null}
        aria-describedby={`${id}-setup`}
        onClick={() => void runDemo(questionId, demo)}
      >
        {running === questionId ? 'Setting it up…' : 'Show it on the wire'}
      </button>
      <span id={`${id}-setup`} className="hint">
        {joined ? describeDemo(demo) : 'Join a room first: the demo runs on your own connection.'}
      </span>
      {shown && (
        <div className="rehearse-watch" role="status">
          <p>
            <strong>Watch:</strong> {demo.watch}
          </p>
          {labSettings && (
            <p className="hint rehearse-lab">
              {describeChanged(labSettings)}{' '}
              {changedLabKeys(labSettings).length > 0 && (
                <button
                  type="button"
                  className="link-button"
                  disabled={labBusy}
                  onClick={() => void labReset()}
                >
                  Reset the lab
                </button>
              )}
            </p>
          )}
        </div>
      )}
    </div>
  );
}

function Question({ question }: { question: RehearsalQuestion }) {
  return (
    <li className="rehearse-question" data-question={question.id}>
      <p className="rehearse-level">{LEVEL_LABELS[question.level]}</p>
      <h3 className="rehearse-prompt">{question.question}</h3>
      <details className="rehearse-outline">
        <summary>Outline of an answer</summary>
        <ul>
          {question.outline.map((point) => (
            <li key={point}>{point}</li>
          ))}
        </ul>
      </details>
      {question.demo ? (
        <Demo questionId={question.id} demo={question.demo} />
      ) : (
        <p className="hint rehearse-try">{question.tryIt}</p>
      )}
    </li>
  );
}

/**
 * Interview practice, loaded the first time its panel opens: each question, an outline to compare an
 * answer with, and a demo that sets this tab up to check the answer on the wire.
 */
export function RehearseQuestions() {
  const error = useWirelab((state) => state.demoError);
  return (
    <div className="rehearse-body">
      <p className="hint">
        Answer out loud first, then open the outline. Where there is a demo, it sets up this tab (transport,
        network lab, view) so you can check the answer against the real bytes.
      </p>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <ol className="rehearse-questions">
        {REHEARSAL_QUESTIONS.map((question) => (
          <Question key={question.id} question={question} />
        ))}
      </ol>
    </div>
  );
}
