// Readable, timestamped log lines on stderr; one function so every part logs the same way.
export type Log = (message: string) => void;

export function createLog(stream: NodeJS.WritableStream = process.stderr): Log {
  return (message) => {
    const time = new Date().toISOString().slice(11, 19);
    stream.write(`${time} ${message}\n`);
  };
}
