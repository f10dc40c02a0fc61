/**
 * What the reference servers send: a message of exactly our wire shape (the fields of a ChatMessage), so
 * ours and the references write the same bytes per delivery and only the code paths differ.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export interface ReferenceMessage {
  seq: number;
  epoch: string;
  cursor: string;
  room: string;
  id: string;
  from: string;
  kind: 'chat';
  text: string;
  committedAtMs: number;
}

export interface SendBody {
  id: string;
  from: string;
  text: string;
}

function isSendBody(value: unknown): value is SendBody {
  if (typeof value !== 'object' || value === null) return false;
  const fields = value as Record<string, unknown>;
  return typeof fields.id === 'string' && typeof fields.from === 'string' && typeof fields.text === 'string';
}

/** A room's sequence: one per reference server. */
export class ReferenceRoom {
  readonly epoch = randomBytes(6).toString('base64url');
  seq = 0;

  get cursor(): string {
    return `${this.epoch}:${this.seq}`;
  }

  commit(body: SendBody): ReferenceMessage {
    this.seq += 1;
    return {
      seq: this.seq,
      epoch: this.epoch,
      cursor: this.cursor,
      room: 'bench',
      id: body.id,
      from: body.from,
      kind: 'chat',
      text: body.text,
      committedAtMs: performance.timeOrigin + performance.now(),
    };
  }
}

export function parseSendBody(text: string): SendBody | null {
  try {
    const value: unknown = JSON.parse(text);
    return isSendBody(value) ? value : null;
  } catch {
    return null;
  }
}

export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
