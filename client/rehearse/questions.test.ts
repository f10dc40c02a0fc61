import { describe, expect, it } from 'vitest';
import { DEFAULT_LAB_SETTINGS, LabSettingsPatch } from '../../protocol/lab.ts';
import { WIRE_TAB_IDS } from '../store/view-slice.ts';
import { TRANSPORT_CHOICES } from '../transports/index.ts';
import { REHEARSAL_QUESTIONS } from './questions.ts';

describe('REHEARSAL_QUESTIONS', () => {
  it('has a unique id per question', () => {
    const ids = REHEARSAL_QUESTIONS.map((question) => question.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('gives every question an outline of several points, and a demo or something to try instead', () => {
    for (const question of REHEARSAL_QUESTIONS) {
      expect(question.outline.length, question.id).toBeGreaterThanOrEqual(3);
      expect(question.demo !== null || (question.tryIt ?? '').length > 0, question.id).toBe(true);
    }
  });

  it('sets up every demo with settings the server accepts, on a transport and tab the page has', () => {
    const demos = REHEARSAL_QUESTIONS.flatMap((question) => (question.demo ? [question] : []));
    expect(demos.length).toBeGreaterThanOrEqual(5);
    for (const { id, demo } of demos) {
      if (!demo) continue;
      // What runDemo sends: the defaults with the demo's settings on top, checked by the server's schema.
      const sent = LabSettingsPatch.safeParse({ ...DEFAULT_LAB_SETTINGS, ...demo.lab });
      expect(sent.success, `${id}: ${sent.error?.message}`).toBe(true);
      expect(TRANSPORT_CHOICES, id).toContain(demo.transport);
      expect(WIRE_TAB_IDS, id).toContain(demo.tab);
      expect(demo.watch.length, id).toBeGreaterThan(0);
    }
  });
});
