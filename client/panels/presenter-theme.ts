/**
 * The presenter theme (high contrast, large type, for projectors): a class on <html>, remembered across
 * reloads. Components that size things by it subscribe with usePresenterTheme.
 */
import { useSyncExternalStore } from 'react';

export const PRESENTER_CLASS = 'presenter';
const STORAGE_KEY = 'wirelab:presenter';

const listeners = new Set<() => void>();

function isOn(): boolean {
  return typeof document !== 'undefined' && document.documentElement.classList.contains(PRESENTER_CLASS);
}

export function setPresenterTheme(on: boolean): void {
  document.documentElement.classList.toggle(PRESENTER_CLASS, on);
  try {
    localStorage.setItem(STORAGE_KEY, on ? '1' : '0');
  } catch (error) {
    // Storage can be off (private mode, quota): the theme still applies to this page.
    console.warn('could not remember the presenter theme', error);
  }
  for (const listener of listeners) listener();
}

/** At start: the theme as the learner left it. */
export function restorePresenterTheme(): void {
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(STORAGE_KEY);
  } catch (error) {
    console.warn('could not read the presenter theme', error);
  }
  if (stored === '1') setPresenterTheme(true);
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function usePresenterTheme(): boolean {
  return useSyncExternalStore(subscribe, isOn, () => false);
}
