// Hosts that share one kernel (network namespaces, containers: the same boot id) share its
// kernel-global settings: loaded modules, dynamic-debug printk sites and nf_log_all_netns. Two
// windows that journaled the same global setting would restore each other's values, so the rule
// is one owner per kernel:
//
// - Within one run, the hosts of one kernel that would touch kernel-global state apply one after
//   another, in the order their facts arrived. A later host leaves out what an earlier one already
//   set to the same value (it is not journaled twice), and is refused when an earlier one set it to
//   another value.
// - A host whose plan still changes kernel-global settings is refused while another host of the
//   same kernel, seen in this run, has an open window that journaled such settings.
//
// Hosts with nothing kernel-global to do (the common case on namespace fleets) never wait.
import { HostError } from "../errors.js";
import type { HostFacts } from "../facts/types.js";
import { knobScope, type Step, stepChange } from "../kinds/registry.js";
import { parseChangeType, type Change } from "../kinds/types.js";
import type { HostPlan } from "./plan.js";

/** A step that changes state every namespace of the kernel sees: its knob's scope says so. */
export function isKernelGlobal(step: Step): boolean {
  return knobScope(step.knob) !== "netns";
}

/** A journal line (type "KIND:KNOB") that holds kernel-global state; a kind alone (older journals) counts. */
function journalsKernelState(type: string): boolean {
  return knobScope(parseChangeType(type).knob) !== "netns";
}

/**
 * The plan changes kernel-global state: a kernel-scoped step, or a write that may load modules
 * (its own value stays per namespace, but the module it loads is the kernel's).
 */
export function touchesKernel(plan: HostPlan): boolean {
  return plan.steps.some((s) => isKernelGlobal(s) || (s.kind === "sysctl" && s.loadsModules === true));
}

interface Kernel {
  /** Resolves when the host before in line has finished applying. */
  tail: Promise<void>;
  /** Kernel-global changes made in this run so far, by host. */
  made: { host: string; change: Change }[];
  /** An open window of another host that journaled kernel-global settings. */
  standing: { host: string; window: string } | null;
}

export interface KernelTurn {
  /** The plan without what earlier hosts of this kernel already set; throws when they disagree. */
  plan: HostPlan;
  /** Call once the host's apply has ended, with what it changed (none when it failed). */
  done(changes: Change[]): void;
}

export class KernelTurns {
  private readonly kernels = new Map<string, Kernel>();

  private kernel(bootId: string): Kernel {
    let k = this.kernels.get(bootId);
    if (!k) {
      k = { tail: Promise.resolve(), made: [], standing: null };
      this.kernels.set(bootId, k);
    }
    return k;
  }

  /** Every host's facts, as they arrive: remembers windows that hold kernel-global settings. */
  noteFacts(host: string, facts: HostFacts): void {
    const w = facts.window;
    if (!facts.bootId || !w || w.bootId !== facts.bootId) return;
    const holds = facts.journal.some((e) => journalsKernelState(e.kind));
    if (holds) this.kernel(facts.bootId).standing ??= { host, window: w.id };
  }

  /**
   * Waits for this host's turn on its kernel, when its plan touches kernel-global state; returns
   * the plan to apply and the callback that passes the turn on. Call `done` exactly once.
   */
  async turn(host: string, facts: HostFacts, plan: HostPlan): Promise<KernelTurn> {
    this.noteFacts(host, facts);
    if (!facts.bootId || !touchesKernel(plan)) return { plan, done: () => {} };
    const k = this.kernel(facts.bootId);
    let pass!: () => void;
    const before = k.tail;
    k.tail = new Promise<void>((resolve) => (pass = resolve));
    await before;
    let handed = false;
    const done = (changes: Change[]) => {
      if (handed) return;
      handed = true;
      for (const change of changes) k.made.push({ host, change });
      pass();
    };
    try {
      return { plan: this.adjusted(host, facts.bootId, k, plan), done };
    } catch (err) {
      done([]);
      throw err;
    }
  }

  private adjusted(host: string, bootId: string, k: Kernel, plan: HostPlan): HostPlan {
    const steps: Step[] = [];
    for (const step of plan.steps) {
      if (!isKernelGlobal(step)) {
        steps.push(step);
        continue;
      }
      const wanted = stepChange(step);
      const earlier = k.made.find(
        (m) => m.host !== host && m.change.knob === wanted.knob && m.change.key === wanted.key,
      );
      if (!earlier) {
        steps.push(step);
        continue;
      }
      if (earlier.change.to === wanted.to) continue; // set by that host's window: not journaled twice
      throw new HostError(
        "locked",
        host,
        `shares its kernel (boot id ${bootId}) with ${earlier.host}, which set ${wanted.key} to ${earlier.change.to} in this run; this profile wants ${wanted.to}. Kernel-global settings have one owner per kernel: revert ${earlier.host} first`,
      );
    }
    const standing = k.standing;
    if (standing && standing.host !== host && steps.some(isKernelGlobal)) {
      throw new HostError(
        "locked",
        host,
        `shares its kernel (boot id ${bootId}) with ${standing.host}, whose window ${standing.window} holds this kernel's global settings (modules, printk sites, nf_log_all_netns); revert that window first, or apply the same profile`,
      );
    }
    return { ...plan, steps, changes: steps.map(stepChange) };
  }
}
