import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';

/**
 * A zombie process, as a server killed with SIGKILL under tsx is until init reaps it: `sh` starts
 * a child that exits at once, then execs into `sleep`, which never waits for it. `end()` kills the
 * sleep, after which init reaps both. Linux only (the state is read from /proc).
 */
export async function startZombie(): Promise<{ pid: number; end(): void }> {
  const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const [chunk] = (await once(parent.stdout!, 'data')) as [Buffer];
  const pid = Number(chunk.toString().trim());
  const state = () => {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.charAt(stat.lastIndexOf(')') + 2);
  };
  for (let waited = 0; state() !== 'Z'; waited += 20) {
    if (waited > 5_000) throw new Error(`process ${pid} did not become a zombie`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { pid, end: () => parent.kill('SIGKILL') };
}
