// OpenSSH host patterns (ssh_config `Host`/`Match`, known_hosts): `*` and `?` wildcards and
// `!` negation, with the semantics of OpenSSH's match.c.

/** Does `text` match a single wildcard pattern (`*` = any run, `?` = one character)? */
export function matchPattern(text: string, pattern: string): boolean {
  // Iterative glob with single backtrack point: linear enough for host names.
  let t = 0;
  let p = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    if (p < pattern.length && (pattern[p] === "?" || pattern[p] === text[t])) {
      t++;
      p++;
    } else if (p < pattern.length && pattern[p] === "*") {
      starP = p++;
      starT = t;
    } else if (starP >= 0) {
      p = starP + 1;
      t = ++starT;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === "*") p++;
  return p === pattern.length;
}

/**
 * Match against a comma-separated list such as `*.example.com,!bastion.example.com`.
 * Returns 1 for a positive match, -1 when a negated pattern matched (which vetoes the list),
 * 0 when nothing matched. Like OpenSSH, a list with only negations never matches positively.
 */
export function matchPatternList(text: string, list: string, caseInsensitive = true): 1 | 0 | -1 {
  const subject = caseInsensitive ? text.toLowerCase() : text;
  let positive = false;
  for (const raw of list.split(",")) {
    const negated = raw.startsWith("!");
    const body = negated ? raw.slice(1) : raw;
    if (body === "") continue;
    const pattern = caseInsensitive ? body.toLowerCase() : body;
    if (matchPattern(subject, pattern)) {
      if (negated) return -1;
      positive = true;
    }
  }
  return positive ? 1 : 0;
}
