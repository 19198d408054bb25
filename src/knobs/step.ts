// A step is one change a plan makes on one host; it renders to one line of the apply script.
import { call } from "../engine/host/scripts.js";

export type KnobName = "log_invalid" | "nf_log" | "nf_log_all_netns" | "modules" | "printk";

export type Step =
  /** `from` is "?" when the value cannot be read before an earlier step (a module load) runs. */
  | { kind: "sysctl"; knob: KnobName; path: string; from: string; to: string }
  | { kind: "module"; knob: "modules"; name: string; module: string }
  | { kind: "printk"; knob: "printk"; site: string; func: string; from: string; to: string };

/** A change as reported to users and in --json output. */
export interface Change {
  knob: string;
  key: string;
  from: string;
  to: string;
  /** Set when the kernel made this change as a consequence of another (e.g. a module binding loggers). */
  side_effect?: boolean;
}

/** Result of one knob's planning on one host. */
export interface KnobPlan {
  steps: Step[];
  /** Why this host cannot satisfy the knob (feature missing). */
  problems: string[];
}

/** "net/netfilter/nf_log/2" → "net.netfilter.nf_log.2" (sysctl's spelling). */
export function sysctlName(path: string): string {
  return path.replaceAll("/", ".");
}

export function stepChange(step: Step): Change {
  switch (step.kind) {
    case "sysctl":
      return { knob: step.knob, key: sysctlName(step.path), from: step.from, to: step.to };
    case "module":
      return { knob: step.knob, key: step.module, from: "absent", to: "loaded" };
    case "printk":
      return { knob: step.knob, key: `${step.site} ${step.func}`, from: step.from, to: step.to };
  }
}

export function renderStep(step: Step): string {
  switch (step.kind) {
    case "sysctl":
      return call("nfd_sysctl", step.path, step.from, step.to);
    case "module":
      return call("nfd_module", step.name, step.module);
    case "printk":
      return call("nfd_printk", step.site, step.func, step.from, step.to);
  }
}
