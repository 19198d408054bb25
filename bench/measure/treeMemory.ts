// Peak memory of a multi-process controller (Ansible: the playbook process, its forked workers,
// their ssh clients, and the ControlPersist masters that detach from the tree).
// Sampled: the sum of PSS, so pages a fork shares with its parent count once, not once per worker.
import { pidsByMarker } from "../cleanup.js";
import { descendants, pssKb } from "./processTree.js";

export interface TreeSampler {
  /** Stop sampling; the peak of the summed PSS seen, in KiB. */
  stop(): number;
}

export function sampleTreeMemory(root: number, marker: string | undefined, intervalMs = 500): TreeSampler {
  let peak = 0;
  const sample = (): void => {
    const pids = new Set(descendants(root));
    if (marker) for (const pid of pidsByMarker(marker)) pids.add(pid);
    let total = 0;
    for (const pid of pids) total += pssKb(pid);
    peak = Math.max(peak, total);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop(): number {
      clearInterval(timer);
      return peak;
    },
  };
}
