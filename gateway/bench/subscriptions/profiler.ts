/**
 * IPC handlers that profile one phase of a server process (the driver starts them right before
 * the measured events), rather than --cpu-prof's whole life of the process, where start-up and
 * connecting would dominate: CPU samples, and sampled allocations (what keeps the GC busy).
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';

export interface ProfilerHandlers {
  profileStart(args: { alloc?: boolean }): Promise<void>;
  /** Writes `<file>.cpuprofile` (and `<file>.heapprofile` with alloc); returns the paths. */
  profileStop(args: { file: string }): Promise<string[]>;
}

export function profilerHandlers(): ProfilerHandlers {
  let session: Session | undefined;
  let alloc = false;
  return {
    async profileStart(args) {
      session = new Session();
      session.connect();
      alloc = args.alloc ?? false;
      await session.post('Profiler.enable');
      // 200 µs: fine enough for a fan-out of a few hundred milliseconds, cheap enough not to change it.
      await session.post('Profiler.setSamplingInterval', { interval: 200 });
      await session.post('Profiler.start');
      if (alloc) {
        await session.post('HeapProfiler.enable');
        // Objects the GC already collected count too: the churn is the point, not what stays.
        await session.post('HeapProfiler.startSampling', { samplingInterval: 16_384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as never);
      }
    },
    async profileStop({ file }) {
      if (!session) throw new Error('no profile running');
      const files = [`${file}.cpuprofile`];
      const { profile } = await session.post('Profiler.stop');
      await writeFile(files[0]!, JSON.stringify(profile));
      if (alloc) {
        const { profile: heap } = await session.post('HeapProfiler.stopSampling');
        files.push(`${file}.heapprofile`);
        await writeFile(files[1]!, JSON.stringify(heap));
      }
      session.disconnect();
      session = undefined;
      return files;
    },
  };
}
