/**
 * The chat log as a pure fold over what the transport delivered: messages in seq order, deduped, capped,
 * and the notices that tell the learner when history had a gap. No React, no storage: tested alone.
 */
import type { ChatMessage } from '../../protocol/messages.ts';
import type { ResumeInfo } from '../transports/index.ts';

/** Messages kept on the page (and in sessionStorage); older ones scroll out of memory. */
export const MAX_KEPT_MESSAGES = 500;

export interface Notice {
  id: number;
  text: string;
}

export interface ChatLog {
  messages: readonly ChatMessage[];
  notices: readonly Notice[];
}

export type ChatEvent = { type: 'message'; message: ChatMessage } | { type: 'resume'; resume: ResumeInfo };

export function gapNoticeText(resume: ResumeInfo): string {
  const why =
    resume.reason === 'epoch_changed'
      ? 'the server restarted and lost its history'
      : resume.reason === 'window_exceeded'
        ? 'you were away longer than the server keeps history'
        : 'the server could not resume from where you were';
  return `Some messages were missed: ${why}. Showing the latest messages instead.`;
}

export function applyChatEvents(log: ChatLog, events: readonly ChatEvent[], nextNoticeId: number): ChatLog {
  let messages = log.messages;
  let notices = log.notices;
  let appended: ChatMessage[] = [];
  const flush = () => {
    if (appended.length === 0) return;
    messages = [...messages, ...appended];
    appended = [];
  };
  let last: ChatMessage | undefined = messages.at(-1);
  for (const event of events) {
    if (event.type === 'resume') {
      if (event.resume.recovered) continue;
      // The snapshot that follows replaces the list: showing old and new side by side would hide the gap.
      messages = [];
      appended = [];
      last = undefined;
      notices = [...notices, { id: nextNoticeId++, text: gapNoticeText(event.resume) }];
      continue;
    }
    const { message } = event;
    // One connection delivers seqs in order, so anything at or below the last seq of its epoch is a replay.
    if (last && last.epoch === message.epoch && message.seq <= last.seq) continue;
    appended.push(message);
    last = message;
  }
  flush();
  if (messages.length > MAX_KEPT_MESSAGES) messages = messages.slice(-MAX_KEPT_MESSAGES);
  return { messages, notices };
}

/** Names present according to the join and leave lines we have, oldest first. */
export function presentNames(messages: readonly ChatMessage[]): string[] {
  const present = new Set<string>();
  for (const message of messages) {
    if (message.kind === 'join') present.add(message.from);
    else if (message.kind === 'leave') present.delete(message.from);
  }
  return [...present];
}
