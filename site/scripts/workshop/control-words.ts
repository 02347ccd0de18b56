// How the instructor's pages word a request to type in a student's terminal: a short badge, and a
// sentence for the live status line (what a screen reader hears as the student answers).
import type { ControlStatus } from '../../../server/contracts/workshop.ts';
import type { CourseItemView } from './format.ts';

export interface ControlView {
  badge: string;
  /** Empty when there is nothing to announce (never asked). */
  sentence: string;
  canType: boolean;
}

export function controlFor(controls: readonly ControlStatus[], student: string, lab: string): ControlStatus | undefined {
  return controls.find((control) => control.student === student && control.lab === lab);
}

export function describeControl(state: ControlStatus['state'] | undefined, name: string): ControlView {
  switch (state) {
    case 'pending':
      return { badge: 'control requested', sentence: `Asked ${name}. Waiting for them to allow or refuse; the view stays read-only until then.`, canType: false };
    case 'allowed':
      return { badge: 'control allowed', sentence: `${name} allowed control: you can type in their terminal now.`, canType: true };
    case 'refused':
      return { badge: 'control refused', sentence: `${name} refused control (or took it back): the view is read-only.`, canType: false };
    default:
      return { badge: 'read-only', sentence: '', canType: false };
  }
}

const stateWords: Record<ControlStatus['state'], string> = { pending: 'asked', allowed: 'allowed', refused: 'refused' };

/** The roster's badge for one request: "L1 control: allowed". */
export function rosterControlBadge(control: ControlStatus, course: readonly CourseItemView[]): string {
  const lab = course.find((item) => item.id === control.lab);
  return `${lab ? `L${lab.number}` : control.lab} control: ${stateWords[control.state]}`;
}
