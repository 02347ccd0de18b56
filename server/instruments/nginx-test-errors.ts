// Reads `nginx -t`'s complaints: each error with the line of the config it names, so the panel can mark
// the line. Pure; the text comes from the supervisor's refusal of a start or reload.
export interface ConfigError {
  /** The line in the config file the panel shows; null when nginx named another file or no line. */
  line: number | null;
  message: string;
}

// Two shapes: "2026/11/28 04:49:47 [emerg] 1#1: ..." once an error_log is open, "nginx: [emerg] ..." before.
const ERROR_LINE = /^(?:\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d |nginx: )\[(emerg|alert|crit|error)\] (?:\d+#\d+: )?(.*)$/;
const LOCATION = / in (\S+):(\d+)$/;

/** configPath: the file the panel shows, relative to the lab folder (nginx prints it absolute). */
export function parseConfigErrors(output: string, configPath: string): ConfigError[] {
  const errors: ConfigError[] = [];
  for (const raw of output.split('\n')) {
    const match = ERROR_LINE.exec(raw.trim());
    if (!match) continue;
    const text = match[2]!;
    const where = LOCATION.exec(text);
    const ours = where !== null && (where[1] === configPath || where[1]!.endsWith(`/${configPath}`));
    errors.push(ours ? { line: Number(where[2]), message: text.slice(0, where.index) } : { line: null, message: text });
  }
  return errors;
}
