import { type FormEvent, useId, useState } from 'react';
import { RoomName, UserName } from '../../protocol/messages.ts';
import { useWirelab } from '../store/index.ts';

function firstIssue(result: {
  success: boolean;
  error?: { issues: readonly { message: string }[] };
}): string | null {
  return result.success ? null : (result.error?.issues[0]?.message ?? 'is not valid');
}

export function JoinPanel() {
  const joined = useWirelab((state) => state.joined);
  const storedName = useWirelab((state) => state.name);
  const storedRoom = useWirelab((state) => state.room);
  const join = useWirelab((state) => state.join);
  const leave = useWirelab((state) => state.leave);
  const [name, setName] = useState(storedName);
  const [room, setRoom] = useState(storedRoom);
  const [error, setError] = useState<string | null>(null);
  const errorId = useId();

  if (joined) {
    return (
      <section className="panel join-panel" aria-label="Session">
        <p>
          You are <strong>{storedName}</strong> in room <strong>{storedRoom}</strong>.
        </p>
        <button type="button" onClick={leave}>
          Leave
        </button>
      </section>
    );
  }

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const nameIssue = firstIssue(UserName.safeParse(name));
    const roomIssue = firstIssue(RoomName.safeParse(room));
    if (nameIssue || roomIssue) {
      setError(nameIssue ? `Name ${nameIssue}.` : `Room ${roomIssue}.`);
      return;
    }
    setError(null);
    join(name, room);
  };

  return (
    <form className="panel join-panel" aria-label="Join" onSubmit={onSubmit} noValidate>
      <div className="field">
        <label htmlFor="join-name">Your name</label>
        <input
          id="join-name"
          value={name}
          onChange={(event) => setName(event.target.value)}
          maxLength={32}
          autoComplete="nickname"
          aria-describedby={error ? errorId : undefined}
          required
        />
      </div>
      <div className="field">
        <label htmlFor="join-room">Room</label>
        <input
          id="join-room"
          value={room}
          onChange={(event) => setRoom(event.target.value)}
          maxLength={64}
          aria-describedby={error ? errorId : undefined}
          required
        />
      </div>
      <button type="submit">Join</button>
      {error && (
        <p id={errorId} className="form-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
