// The terminal part of a recording: commands as the lesson has the learner type them (lab ports, the
// lab folder), each followed by what the tool printed, with this run's free ports and temporary folders
// written back as the lab's own, so the text reads the same on every build.
export interface Shown {
  /** The command as the learner types it. */
  command: string;
  output: string;
}

/** `folders`: this run's temporary folders, each with the name the learner knows it by (~/lab). */
export function transcript(entries: Shown[], ports: Record<number, number | undefined>, folders: Record<string, string>, maxLines = 60): string {
  const lines: string[] = [];
  for (const { command, output } of entries) {
    let text = output;
    for (const [folder, shown] of Object.entries(folders)) text = text.replaceAll(folder, shown);
    for (const [labPort, hostPort] of Object.entries(ports)) {
      if (hostPort !== undefined) text = text.replace(new RegExp(`\\b${hostPort}\\b`, 'g'), labPort);
    }
    const body = text.trimEnd().split('\n');
    lines.push(`$ ${command}`, ...(body.length > maxLines ? [...body.slice(0, maxLines), `... (${body.length - maxLines} more lines)`] : body));
  }
  return `${lines.join('\n')}\n`;
}
