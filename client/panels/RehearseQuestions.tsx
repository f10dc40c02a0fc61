import { useId } from 'react';
import { changedLabKeys, DEFAULT_LAB_SETTINGS } from '../../protocol/lab.ts';
import { changedSettingTexts, describeChanged } from '../lab/explanations.ts';
import {
  LEVEL_LABELS,
  REHEARSAL_QUESTIONS,
  type RehearsalDemo,
  type RehearsalQuestion,
} from '../rehearse/questions.ts';
import { useWirelab } from '../store/index.ts';
import { TRANSPORT_LABELS } from '../transports/index.ts';
import { WIRE_TAB_LABELS } from './WireTabs.tsx';

/**
 * What a demo sets up, in one line, its settings in the lab panel's order and words: "WebSocket · lab:
 * Proxy idle timeout (ms, 0 is off) = 30000, Stop heartbeats · Sequence diagram".
 */
export function describeDemo(demo: RehearsalDemo): string {
  // What runDemo sends: the defaults with the demo's settings on top.
  const changed = changedSettingTexts({ ...DEFAULT_LAB_SETTINGS, ...demo.lab });
  const lab = changed.length === 0 ? 'lab at its defaults' : `lab: ${changed.join(', ')}`;
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
