import { mkdir, open, rename, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

export interface RotatingFile {
  /** Appends `text` (whole lines); writes happen one after another, in call order. */
  append(text: string): Promise<void>;
  /** Resolves once every append so far is written. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/**
 * An append-only file that never grows past `maxBytes`: the write that would cross the limit
 * first moves the file to `<name>.old<ext>` (replacing the previous one) and starts it afresh.
 * So a service's local spans take at most twice `maxBytes` on disk, and the newest are kept.
 */
export function createRotatingFile(file: string, maxBytes: number): RotatingFile {
  const { dir, name, ext } = path.parse(file);
  const oldFile = path.join(dir, `${name}.old${ext}`);
  let handle: FileHandle | undefined;
  let size = 0;
  // Every operation chains on the previous one: no interleaved writes, rotation in between.
  let queue: Promise<void> = Promise.resolve();

  async function openFile(): Promise<FileHandle> {
    if (handle) return handle;
    await mkdir(dir, { recursive: true });
    handle = await open(file, 'a');
    size = (await handle.stat()).size;
    return handle;
  }

  async function write(text: string): Promise<void> {
    const bytes = Buffer.byteLength(text);
    let current = await openFile();
    if (size > 0 && size + bytes > maxBytes) {
      await current.close();
      handle = undefined;
      await rename(file, oldFile);
      current = await openFile();
    }
    await current.appendFile(text);
    size += bytes;
  }

  function enqueue(operation: () => Promise<void>): Promise<void> {
    const next = queue.then(operation);
    // A failed write must not block the ones after it; the caller still sees its own failure.
    queue = next.catch(() => undefined);
    return next;
  }

  return {
    append: (text) => enqueue(() => write(text)),
    flush: () => enqueue(async () => undefined),
    close: () =>
      enqueue(async () => {
        await handle?.close();
        handle = undefined;
      }),
  };
}
