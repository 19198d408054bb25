// Turns a kernel printf format ("packet (index %d) in dir %d invalid, state %s") into an anchored
// regular expression that matches the printed text and captures each conversion. Used for the
// reason catalogue and for pr_debug formats read from the dynamic-debug control file.

export type CaptureKind = "number" | "string";

export interface PrintfPattern {
  regex: RegExp;
  /** The regex's source without its anchors, to build others from (a sticky one, say). */
  body: string;
  /** One entry per capture group, in order. */
  kinds: CaptureKind[];
}

export interface PrintfOptions {
  /** How %s may match: "word" (no spaces, for catalogue entries) or "any" (lazy, for printk). */
  strings?: "word" | "any";
  /** Case-insensitive match (kernel spellings changed case over time: "invalid RST" → "invalid rst"). */
  ignoreCase?: boolean;
}

// %[flags][width][.precision][length]conversion, plus the kernel's %p extensions (%pI4, %pI6c, %pM, ...).
const CONVERSION = /%([-+ #0]*)(\d+|\*)?(?:\.(\d+|\*))?(hh|h|ll|l|z|t|j|L)?([diouxXcsp%])([A-Za-z0-9]*)/y;

const ESCAPE = /[.*+?^${}()|[\]\\]/g;

function literal(text: string): string {
  return text.replace(ESCAPE, "\\$&");
}

/** Pattern for one conversion, and whether its capture is a number. */
function conversionPattern(
  conv: string,
  ext: string,
  flags: string,
  strings: "word" | "any",
): [string, CaptureKind] {
  switch (conv) {
    case "d":
    case "i":
      return [" *(-?\\d+)", "number"];
    case "u":
      return [" *(\\d+)", "number"];
    case "o":
      return [" *([0-7]+)", "string"];
    case "x":
    case "X":
      return [flags.includes("#") ? "(0[xX][0-9a-fA-F]+|0)" : " *([0-9a-fA-F]+)", "string"];
    case "c":
      return ["([\\s\\S])", "string"];
    case "s":
      return [strings === "word" ? "(\\S*)" : "([\\s\\S]*?)", "string"];
    case "p":
      if (ext.startsWith("I4") || ext.startsWith("i4")) return ["(\\d{1,3}(?:\\.\\d{1,3}){3})", "string"];
      if (ext.startsWith("I6") || ext.startsWith("i6")) return ["([0-9a-fA-F:.]+)", "string"];
      if (ext.startsWith("M") || ext.startsWith("m")) return ["([0-9a-fA-F:-]+)", "string"];
      if (ext.startsWith("V")) return ["([\\s\\S]*?)", "string"];
      return ["(\\S+)", "string"];
    default:
      return ["%", "string"];
  }
}

/** Compile a printf format into an anchored pattern. Unknown sequences are matched literally. */
export function compilePrintf(format: string, options: PrintfOptions = {}): PrintfPattern {
  const strings = options.strings ?? "any";
  const kinds: CaptureKind[] = [];
  let source = "^";
  let text = "";
  let i = 0;
  while (i < format.length) {
    const pct = format.indexOf("%", i);
    if (pct < 0) {
      text += format.slice(i);
      break;
    }
    text += format.slice(i, pct);
    CONVERSION.lastIndex = pct;
    const m = CONVERSION.exec(format);
    if (!m) {
      text += "%";
      i = pct + 1;
      continue;
    }
    const [whole, flags, , , , conv, ext] = m;
    if (conv === "%") {
      text += "%";
      i = pct + 2;
      continue;
    }
    source += literal(text);
    text = "";
    // Only %p takes the alphanumeric extension; for the others it is ordinary text.
    const consumed = conv === "p" ? whole.length : whole.length - ext.length;
    const [pattern, kind] = conversionPattern(conv, conv === "p" ? ext : "", flags, strings);
    source += pattern;
    if (pattern !== "%") kinds.push(kind);
    i = pct + consumed;
  }
  const body = source.slice(1) + literal(text);
  return { regex: new RegExp(`^${body}$`, options.ignoreCase ? "i" : ""), body, kinds };
}

/** Match text against a compiled pattern; numbers come back as numbers. */
export function matchPrintf(pattern: PrintfPattern, text: string): Array<string | number> | null {
  const m = pattern.regex.exec(text);
  if (!m) return null;
  const values: Array<string | number> = [];
  for (let k = 0; k < pattern.kinds.length; k++) {
    const v = m[k + 1] ?? "";
    values.push(pattern.kinds[k] === "number" ? Number(v) : v);
  }
  return values;
}

/**
 * Undo the escaping the dynamic-debug control file applies to formats: \n \t \r \" \\ and octal
 * \NNN (older kernels print a newline as \012).
 */
export function unescapeControlFormat(format: string): string {
  if (!format.includes("\\")) return format;
  return format.replace(/\\([0-7]{1,3}|[ntrvfa"\\])/g, (_, esc: string) => {
    switch (esc) {
      case "n":
        return "\n";
      case "t":
        return "\t";
      case "r":
        return "\r";
      case "v":
        return "\v";
      case "f":
        return "\f";
      case "a":
        return "\x07";
      case '"':
        return '"';
      case "\\":
        return "\\";
      default:
        return String.fromCharCode(parseInt(esc, 8));
    }
  });
}
