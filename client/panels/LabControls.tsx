import { type FormEvent, useEffect, useId, useState } from 'react';
import {
  DEFAULT_LAB_SETTINGS,
  LAB_KILL_CLOSE_CODES,
  type LabKillCloseCode,
  type LabSettings,
  type LabSettingsPatch,
} from '../../protocol/lab.ts';
import {
  CLOSE_CODE_NAMES,
  describeChanged,
  KILL_TEXTS,
  type LabSettingKey,
  SETTING_GROUPS,
  SETTING_TEXTS,
} from '../lab/explanations.ts';
import { useWirelab } from '../store/index.ts';

type NumberKey = {
  [K in LabSettingKey]: LabSettings[K] extends number ? K : never;
}[LabSettingKey];
type BooleanKey = Exclude<LabSettingKey, NumberKey>;

function isNumberKey(key: LabSettingKey): key is NumberKey {
  return typeof DEFAULT_LAB_SETTINGS[key] === 'number';
}

function SettingHelp({ id, settingKey }: { id: string; settingKey: LabSettingKey }) {
  const text = SETTING_TEXTS[settingKey];
  return (
    <p id={id} className="hint lab-help">
      {text.explain} <strong>Watch for:</strong> {text.watch}
    </p>
  );
}

/**
 * A number applies when it leaves the field or on Enter (the form's submit); a draft the server refused
 * goes back to the server's value, and the error says why.
 */
function NumberSetting({ settingKey, value }: { settingKey: NumberKey; value: number | null }) {
  const change = useWirelab((state) => state.labChange);
  const [draft, setDraft] = useState(value === null ? '' : String(value));
  const id = useId();
  useEffect(() => setDraft(value === null ? '' : String(value)), [value]);
  const apply = () => {
    if (value === null || draft === String(value)) return;
    const parsed = draft.trim() === '' ? Number.NaN : Number(draft);
    void change({ [settingKey]: parsed } as LabSettingsPatch);
  };
  return (
    <div className="lab-setting">
      <label htmlFor={`${id}-input`}>{SETTING_TEXTS[settingKey].label}</label>
      <input
        id={`${id}-input`}
        name={settingKey}
        type="number"
        inputMode="numeric"
        min={0}
        step={1}
        value={draft}
        disabled={value === null}
        onChange={(event) => setDraft(event.target.value)}
        onBlur={apply}
        onKeyDown={(event) => {
          if (event.key === 'Enter') {
            event.preventDefault();
            apply();
          }
        }}
        aria-describedby={`${id}-help`}
      />
      <SettingHelp id={`${id}-help`} settingKey={settingKey} />
    </div>
  );
}

function BooleanSetting({ settingKey, value }: { settingKey: BooleanKey; value: boolean | null }) {
  const change = useWirelab((state) => state.labChange);
  const id = useId();
  return (
    <div className="lab-setting lab-setting-check">
      <input
        id={`${id}-input`}
        name={settingKey}
        type="checkbox"
        checked={value ?? false}
        disabled={value === null}
        onChange={(event) => void change({ [settingKey]: event.target.checked } as LabSettingsPatch)}
        aria-describedby={`${id}-help`}
      />
      <label htmlFor={`${id}-input`}>{SETTING_TEXTS[settingKey].label}</label>
      <SettingHelp id={`${id}-help`} settingKey={settingKey} />
    </div>
  );
}

function KillControls() {
  const kill = useWirelab((state) => state.labKill);
  const busy = useWirelab((state) => state.labBusy);
  const result = useWirelab((state) => state.labKillResult);
  const [code, setCode] = useState<LabKillCloseCode>(1012);
  const id = useId();
  return (
    <fieldset className="lab-group lab-kill">
      <legend>Kill this tab’s connections</legend>
      <div className="lab-kill-row">
        <label htmlFor={`${id}-code`}>Close code</label>
        <select
          id={`${id}-code`}
          value={code}
          onChange={(event) => {
            const picked = LAB_KILL_CLOSE_CODES.find((candidate) => String(candidate) === event.target.value);
            if (picked !== undefined) setCode(picked);
          }}
        >
          {LAB_KILL_CLOSE_CODES.map((candidate) => (
            <option key={candidate} value={candidate}>
              {candidate} {CLOSE_CODE_NAMES[candidate]}
            </option>
          ))}
        </select>
        <button
          type="button"
          disabled={busy}
          aria-describedby={`${id}-clean`}
          onClick={() => void kill({ mode: 'clean', code })}
        >
          Close cleanly
        </button>
        <button
          type="button"
          disabled={busy}
          aria-describedby={`${id}-reset`}
          onClick={() => void kill({ mode: 'reset' })}
        >
          Reset (RST)
        </button>
      </div>
      <p id={`${id}-clean`} className="hint lab-help">
        <strong>Close cleanly:</strong> {KILL_TEXTS.clean.explain} <strong>Watch for:</strong>{' '}
        {KILL_TEXTS.clean.watch}
      </p>
      <p id={`${id}-reset`} className="hint lab-help">
        <strong>Reset:</strong> {KILL_TEXTS.reset.explain} <strong>Watch for:</strong>{' '}
        {KILL_TEXTS.reset.watch}
      </p>
      <p className="lab-kill-result" role="status" aria-label="Kill result">
        {result ?? ''}
      </p>
    </fieldset>
  );
}

/**
 * The lab's controls, loaded the first time the panel opens (lazy-views.ts): a control for every setting,
 * the kill buttons, and the line with the settings as the server holds them. `open` re-reads them.
 */
export function LabControls({ open }: { open: boolean }) {
  const settings = useWirelab((state) => state.labSettings);
  const pending = useWirelab((state) => state.labPending);
  const busy = useWirelab((state) => state.labBusy);
  const error = useWirelab((state) => state.labError);
  const load = useWirelab((state) => state.labLoad);
  const reset = useWirelab((state) => state.labReset);

  // Read the settings each time the panel opens; the store reads them again after each drop.
  useEffect(() => {
    if (open) void load();
  }, [open, load]);

  // Nothing to submit: each control applies itself (checkboxes at once, numbers on Enter or leaving).
  const onSubmit = (event: FormEvent<HTMLFormElement>) => event.preventDefault();

  const shown: LabSettings | null = settings === null ? null : { ...settings, ...pending };

  return (
    <div className="lab-body">
      <p className="hint">
        Faults for this tab only: the server applies them to this tab’s connections and nobody else’s.
      </p>
      {error && (
        <p className="form-error" role="alert">
          The lab could not do that: {error}
        </p>
      )}
      <p className="lab-held" role="status" aria-label="Lab settings on the server" aria-busy={busy}>
        {settings === null ? 'Asking the server for this tab’s lab settings…' : describeChanged(settings)}
      </p>
      <KillControls />
      <form onSubmit={onSubmit} aria-label="Lab settings" noValidate>
        {SETTING_GROUPS.map((group) => (
          <fieldset className="lab-group" key={group.legend}>
            <legend>{group.legend}</legend>
            {group.keys.map((key) =>
              isNumberKey(key) ? (
                <NumberSetting key={key} settingKey={key} value={shown === null ? null : shown[key]} />
              ) : (
                <BooleanSetting key={key} settingKey={key} value={shown === null ? null : shown[key]} />
              ),
            )}
          </fieldset>
        ))}
        <div className="lab-actions">
          <button type="button" disabled={busy} onClick={() => void load()}>
            Read again
          </button>
          <button type="button" disabled={busy} onClick={() => void reset()}>
            Reset all to defaults
          </button>
        </div>
      </form>
    </div>
  );
}
