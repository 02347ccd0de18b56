// The dashboard's view of the class, built from what the stores hold and what is live (presence, usage).
// Pure: the same inputs give the same state, so it is unit-tested without a server.
import type { LabProgress } from '../contracts/api.ts';
import type { ControlStatus, RosterEntry, WorkshopState } from '../contracts/workshop.ts';
import type { HelpRow, StudentRow, WorkshopRow } from './workshop-store.ts';

export interface RosterInputs {
  workshop: WorkshopRow;
  studentUrl: string;
  students: StudentRow[];
  help: HelpRow[];
  controls: ControlStatus[];
  progress(id: string): Record<string, LabProgress>;
  online(id: string): boolean;
  usage(id: string): RosterEntry['usage'];
}

export function buildState(inputs: RosterInputs): WorkshopState {
  const { workshop } = inputs;
  const names = new Map(inputs.students.map((s) => [s.id, s.name]));
  const waiting = new Set(inputs.help.filter((h) => h.answeredAt === null).map((h) => h.student));
  const roster: RosterEntry[] = inputs.students.map((student) => {
    const labs: RosterEntry['labs'] = {};
    for (const [lab, progress] of Object.entries(inputs.progress(student.id))) {
      labs[lab] = { passed: progress.passed, total: progress.total, completedAt: progress.completedAt };
    }
    return {
      id: student.id,
      name: student.name,
      online: inputs.online(student.id),
      currentLab: student.currentLab,
      labs,
      lastActivity: student.lastActivity,
      joinedAt: student.joinedAt,
      handRaised: waiting.has(student.id),
      usage: inputs.usage(student.id),
    };
  });
  return {
    title: workshop.title,
    startedAt: workshop.startedAt,
    ended: workshop.ended,
    joinCode: workshop.joinOpen && !workshop.ended ? workshop.joinCode : null,
    studentUrl: inputs.studentUrl,
    pace: { unlockedUpTo: workshop.unlockedUpTo, everyoneTo: workshop.everyoneTo },
    roster,
    help: inputs.help.map((h) => ({ ...h, name: names.get(h.student) ?? '?' })),
    controls: inputs.controls,
  };
}
