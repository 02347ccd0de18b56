// Join codes and student ids. A code is read aloud and typed on a phone, so it leaves out the letters
// that look like digits (I, O); 32 symbols over 6 places is 2^30 codes, beyond reach under the join rate limit.
import { randomInt } from 'node:crypto';
import { randomToken } from './secrets.ts';

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export function newJoinCode(): string {
  let code = '';
  for (let i = 0; i < 6; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/** 128 random bits: a student id is also what their cookie names, so it must not be guessable. */
export function newStudentId(): string {
  return `s_${randomToken(16)}`;
}
