// Kind `printk`, facts: the "printk" section facts.awk prints (the control file's path or "-",
// then the dynamic-debug sites that matter: enabled ones, netfilter's, and the profile's).
import type { FactSections } from "../../facts/sections.js";

export interface PrintkSite {
  file: string;
  line: number;
  module: string;
  func: string;
  /** Flags as the kernel prints them without "=": "_" for none, else letters in kernel order. */
  flags: string;
  format: string;
}

export interface PrintkFacts {
  printk: { control: string | null; sites: PrintkSite[] };
}

// "net/netfilter/nf_conntrack_proto_sctp.c:164 [nf_conntrack]do_basic_checks =_ "Chunk..."
const SITE = /^(\S+):(\d+) \[([^\]]*)\](\S+) =(\S+) (.*)$/;

/** One line of the dynamic-debug control file; undefined for its header or anything else. */
export function parsePrintkSite(line: string): PrintkSite | undefined {
  const m = SITE.exec(line);
  if (!m) return undefined;
  let format = m[6];
  if (format.startsWith('"'))
    format = format.slice(1, format.lastIndexOf('"') > 0 ? format.lastIndexOf('"') : undefined);
  format = format.replace(/\\n$|\\012$/, "");
  return { file: m[1], line: Number(m[2]), module: m[3], func: m[4], flags: m[5], format };
}

export function readPrintkFacts(sections: FactSections): PrintkFacts {
  const [first, ...rest] = sections.lines("printk");
  return {
    printk: {
      control: first && first !== "-" ? first : null,
      sites: rest.flatMap((l) => parsePrintkSite(l) ?? []),
    },
  };
}
