/**
 * The lab's settings per client id. Only clients that changed something are kept (a default client costs
 * nothing), and at most `maxClients` of them: a page that makes up a new client id per request cannot
 * grow this map without bound, the least recently used settings are forgotten first.
 *
 * Connections read `settings(clientId)` at each unit they send, so most changes apply at once by
 * themselves; what must react to a change (the idle watch) subscribes with `onChange`.
 */
import { DEFAULT_LAB_SETTINGS, type LabSettings, type LabSettingsPatch } from '../../protocol/lab.ts';

export type SettingsListener = (clientId: string, settings: Readonly<LabSettings>) => void;

function isDefault(settings: LabSettings): boolean {
  return (Object.keys(DEFAULT_LAB_SETTINGS) as (keyof LabSettings)[]).every(
    (key) => settings[key] === DEFAULT_LAB_SETTINGS[key],
  );
}

export class LabStore {
  /** Insertion order is recency: a read or write moves the client to the end. */
  readonly #byClient = new Map<string, LabSettings>();
  readonly #listeners = new Set<SettingsListener>();
  readonly #maxClients: number;

  constructor(maxClients: number) {
    this.#maxClients = maxClients;
  }

  /** Clients with non-default settings. */
  get size(): number {
    return this.#byClient.size;
  }

  settings(clientId: string): Readonly<LabSettings> {
    const stored = this.#byClient.get(clientId);
    if (!stored) return DEFAULT_LAB_SETTINGS;
    this.#byClient.delete(clientId);
    this.#byClient.set(clientId, stored);
    return stored;
  }

  update(clientId: string, patch: LabSettingsPatch): Readonly<LabSettings> {
    const next: LabSettings = { ...(this.#byClient.get(clientId) ?? DEFAULT_LAB_SETTINGS) };
    for (const [key, value] of Object.entries(patch) as [keyof LabSettings, unknown][]) {
      // The patch was parsed by LabSettingsPatch, so each value has its key's type; undefined means "keep".
      if (value !== undefined) Object.assign(next, { [key]: value });
    }
    return this.#store(clientId, next);
  }

  reset(clientId: string): Readonly<LabSettings> {
    return this.#store(clientId, { ...DEFAULT_LAB_SETTINGS });
  }

  /**
   * One-shot `dropNext`: true (and one fewer left) when this delivery is to be lost. Called only when the
   * delivery is about to be written, so a delay never makes a drop land on the wrong unit.
   */
  takeDrop(clientId: string): boolean {
    const stored = this.#byClient.get(clientId);
    if (!stored || stored.dropNext === 0) return false;
    this.#store(clientId, { ...stored, dropNext: stored.dropNext - 1 });
    return true;
  }

  /** One-shot `cutNextSseEvent`: true once, then the setting is off again. */
  takeSseCut(clientId: string): boolean {
    const stored = this.#byClient.get(clientId);
    if (!stored?.cutNextSseEvent) return false;
    this.#store(clientId, { ...stored, cutNextSseEvent: false });
    return true;
  }

  /**
   * Called with a client id and its settings after every change (including one-shots used up). One
   * listener for all clients rather than one per client: every client that makes a request is tracked
   * by the lab's socket map, and a per-client listener set cost each of them memory (benchmark goal 3).
   */
  onChange(listener: SettingsListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  #store(clientId: string, settings: LabSettings): Readonly<LabSettings> {
    this.#byClient.delete(clientId);
    const kept = isDefault(settings) ? DEFAULT_LAB_SETTINGS : settings;
    if (kept !== DEFAULT_LAB_SETTINGS) {
      this.#byClient.set(clientId, settings);
      while (this.#byClient.size > this.#maxClients) {
        const oldest = this.#byClient.keys().next().value;
        if (oldest === undefined) break;
        this.#byClient.delete(oldest);
        this.#notify(oldest, DEFAULT_LAB_SETTINGS);
      }
    }
    this.#notify(clientId, kept);
    return kept;
  }

  #notify(clientId: string, settings: Readonly<LabSettings>): void {
    for (const listener of [...this.#listeners]) listener(clientId, settings);
  }
}
