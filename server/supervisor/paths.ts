// Every path the host names is relative to the learner's home; refuse anything that would leave it
// (in the plain launcher there is no sandbox wall behind this check).
import path from 'node:path';

export function resolveInside(base: string, relative: string): string {
  const resolved = path.resolve(base, relative);
  if (resolved !== base && !resolved.startsWith(base.endsWith(path.sep) ? base : base + path.sep)) {
    throw new Error(`${relative} is outside ${base}`);
  }
  return resolved;
}
