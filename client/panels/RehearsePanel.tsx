import { LazyDetails } from './LazyDetails.tsx';
import { RehearseQuestions } from './lazy-views.ts';

/** Interview practice: questions, answer outlines, and demos that check an answer on the wire. */
export function RehearsePanel() {
  return (
    <LazyDetails className="rehearse-panel" summary="Interview practice" loading="Loading the questions…">
      {() => <RehearseQuestions />}
    </LazyDetails>
  );
}
