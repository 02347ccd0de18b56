// The workshop's two secrets, kept in the data dir (mode 0600) so a restart keeps every student signed in
// and the instructor's URL working: the key that signs cookies, and the instructor's token. Signing and
// comparing are constant-time so neither leaks through timing.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const secretsSchema = z.object({ cookieKey: z.string().min(43), instructorToken: z.string().min(32) });
export type WorkshopSecrets = z.infer<typeof secretsSchema>;

export const SECRETS_FILE = 'workshop-secrets.json';

/** 256 random bits, URL-safe. */
export const randomToken = (bytes = 32) => randomBytes(bytes).toString('base64url');

export function loadSecrets(dataDir: string): WorkshopSecrets {
  const file = join(dataDir, SECRETS_FILE);
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (text !== undefined) {
    const parsed = secretsSchema.safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`${file} is damaged; remove it to make new secrets (everyone joins again)`);
    return parsed.data;
  }
  const secrets = { cookieKey: randomToken(), instructorToken: randomToken() };
  writeFileSync(file, `${JSON.stringify(secrets)}\n`, { mode: 0o600, flag: 'wx' });
  return secrets;
}

function mac(key: string, value: string): string {
  return createHmac('sha256', key).update(value).digest('base64url');
}

/** `value.signature`; the value must not hold a dot. */
export function sign(key: string, value: string): string {
  return `${value}.${mac(key, value)}`;
}

/** The value when the signature is ours, else null. */
export function verify(key: string, signed: string): string | null {
  const dot = signed.lastIndexOf('.');
  if (dot <= 0) return null;
  const value = signed.slice(0, dot);
  return sameSecret(signed.slice(dot + 1), mac(key, value)) ? value : null;
}

export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
