import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The development HS256 secret shared by the gateway and `npm run token`. Created once per
 * checkout (32 random bytes, base64url text so it can be pasted into JWT_SECRET) and kept
 * private to the user: the file alone lets anyone mint tokens for the local stack.
 */
export async function ensureDevSecret(secretPath: string): Promise<string> {
  try {
    return (await readFile(secretPath, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(path.dirname(secretPath), { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString('base64url');
  try {
    // 'wx' fails if another process created the file meanwhile; then that process's secret wins.
    await writeFile(secretPath, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return (await readFile(secretPath, 'utf8')).trim();
  }
}
