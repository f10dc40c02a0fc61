import { type ReactNode, Suspense, useState } from 'react';

/**
 * A collapsible panel whose body is a lazy view: closed it is one line, and the body's code is fetched
 * the first time it opens (or when the page is idle, lazy-views.ts). Once opened the body stays mounted,
 * told whether the panel is open, so it keeps its state when closed and opened again.
 */
export function LazyDetails({
  className,
  summary,
  loading,
  children,
}: {
  className: string;
  summary: ReactNode;
  /** Said while the body's code loads. */
  loading: string;
  children: (open: boolean) => ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const [opened, setOpened] = useState(false);
  return (
    <details
      className={`panel ${className}`}
      onToggle={(event) => {
        const isOpen = event.currentTarget.open;
        setOpen(isOpen);
        if (isOpen) setOpened(true);
      }}
    >
      <summary>{summary}</summary>
      {opened && <Suspense fallback={<p className="hint">{loading}</p>}>{children(open)}</Suspense>}
    </details>
  );
}
