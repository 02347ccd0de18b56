// Pacing seen from a course page: which labs the instructor has not opened yet.
export interface CourseLab { id: string; number: number; title: string }

/** Labs past position `unlockedUpTo` in the course (1-based); none when everything is open (null). */
export function lockedLabs(course: readonly CourseLab[], unlockedUpTo: number | null): Set<string> {
  if (unlockedUpTo === null) return new Set();
  return new Set(course.filter((item) => item.number > unlockedUpTo).map((item) => item.id));
}
