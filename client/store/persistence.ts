/**
 * What survives a reload of this tab: its client id, who joined where, and each room's messages and
 * cursor. sessionStorage is per tab, which is exactly the scope of a client id. Everything read back is
 * parsed like any other untrusted input.
 */
import * as z from 'zod/mini';
import { ChatMessage, ClientId, RoomName, TRANSPORT_KINDS, UserName } from '../../protocol/messages.ts';

const CLIENT_ID_KEY = 'wirelab:client-id';
const SESSION_KEY = 'wirelab:session';
const roomKey = (room: string) => `wirelab:room:${room}`;

const StoredSession = z.object({
  name: UserName,
  room: RoomName,
  transport: z.enum([...TRANSPORT_KINDS, 'auto']),
  joined: z.boolean(),
});
export type StoredSession = z.infer<typeof StoredSession>;

const StoredRoom = z.object({
  /** Whose view this is: private messages differ per name. */
  name: z.string(),
  cursor: z.nullable(z.string()),
  messages: z.array(ChatMessage),
});
export type StoredRoom = z.infer<typeof StoredRoom>;

function read(key: string): unknown {
  try {
    const text = globalThis.sessionStorage?.getItem(key);
    return text == null ? null : JSON.parse(text);
  } catch (error) {
    console.warn(`ignoring unreadable ${key}`, error);
    return null;
  }
}

function write(key: string, value: unknown): void {
  try {
    globalThis.sessionStorage?.setItem(key, JSON.stringify(value));
  } catch (error) {
    // Quota or privacy mode: the page still works, a reload just starts from recent history.
    console.warn(`could not save ${key}`, error);
  }
}

/** This tab's id: random once, then the same for every request and across reloads. */
export function loadClientId(): string {
  const stored = ClientId.safeParse(read(CLIENT_ID_KEY));
  if (stored.success) return stored.data;
  const id = `tab-${crypto.randomUUID()}`;
  write(CLIENT_ID_KEY, id);
  return id;
}

export function loadSession(): StoredSession | null {
  const parsed = StoredSession.safeParse(read(SESSION_KEY));
  return parsed.success ? parsed.data : null;
}

export function saveSession(session: StoredSession): void {
  write(SESSION_KEY, session);
}

export function loadRoom(room: string, name: string): StoredRoom | null {
  const parsed = StoredRoom.safeParse(read(roomKey(room)));
  return parsed.success && parsed.data.name === name ? parsed.data : null;
}

export function saveRoom(room: string, state: StoredRoom): void {
  write(roomKey(room), state);
}
