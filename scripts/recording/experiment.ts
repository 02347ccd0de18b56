// What each lab's recorded experiment provides: a caption for the picture, and the run itself, which
// drives traffic through the session and returns the terminal transcript.
import type { RecordingSession } from './session.ts';

export interface Experiment {
  /** One sentence under the picture: what the run shows. */
  caption: string;
  run(session: RecordingSession): Promise<string>;
}
