import { type FormEvent, useId, useMemo, useState } from 'react';
import { presentNames, useWirelab, type WirelabState } from '../store/index.ts';

/**
 * The other people present, one name a line: a string, so the form re-renders only when someone joins or
 * leaves, not with every message (hundreds a second under load).
 */
function otherNamesText(state: WirelabState): string {
  return presentNames(state.messages)
    .filter((name) => name !== state.name)
    .join('\n');
}

export function MessageForm() {
  const joined = useWirelab((state) => state.joined);
  const othersText = useWirelab(otherNamesText);
  const sendError = useWirelab((state) => state.sendError);
  const sendMessage = useWirelab((state) => state.sendMessage);
  const [text, setText] = useState('');
  const [to, setTo] = useState('');
  const [sending, setSending] = useState(0);
  const namesListId = useId();
  const others = useMemo(() => (othersText === '' ? [] : othersText.split('\n')), [othersText]);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (text.trim() === '') return;
    const sent = text;
    // Clear at once so the next message can be typed; put the text back if the send fails.
    setText('');
    setSending((count) => count + 1);
    const ok = await sendMessage(sent, to.trim() || undefined);
    setSending((count) => count - 1);
    if (!ok) setText((current) => (current === '' ? sent : current));
  };

  return (
    <form className="panel message-form" aria-label="Compose" onSubmit={onSubmit} aria-busy={sending > 0}>
      <div className="field message-field">
        <label htmlFor="message-text">Message</label>
        <input
          id="message-text"
          value={text}
          onChange={(event) => setText(event.target.value)}
          disabled={!joined}
          autoComplete="off"
        />
      </div>
      <div className="field to-field">
        <label htmlFor="message-to">Private to</label>
        <input
          id="message-to"
          value={to}
          onChange={(event) => setTo(event.target.value)}
          list={namesListId}
          placeholder="everyone"
          maxLength={32}
          disabled={!joined}
          autoComplete="off"
        />
        <datalist id={namesListId}>
          {others.map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
      </div>
      <button type="submit" disabled={!joined}>
        Send
      </button>
      {sendError && (
        <p className="form-error" role="alert">
          {sendError}
        </p>
      )}
    </form>
  );
}
