import { useWirelab } from '../store/index.ts';

/** Gaps in history, said out loud: the page never pretends a snapshot is continuous. */
export function Notices() {
  const notices = useWirelab((state) => state.notices);
  const dismissNotice = useWirelab((state) => state.dismissNotice);
  if (notices.length === 0) return null;
  return (
    <ul className="notices" aria-label="Notices">
      {notices.map((notice) => (
        <li key={notice.id} className="notice" role="alert">
          <span>{notice.text}</span>
          <button type="button" className="link-button" onClick={() => dismissNotice(notice.id)}>
            Dismiss
          </button>
        </li>
      ))}
    </ul>
  );
}
