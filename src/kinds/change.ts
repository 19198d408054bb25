// What one change on one host is, as users, --json and errors see it. A leaf: imports nothing.

/** A change as reported to users and in --json output. */
export interface Change {
  knob: string;
  key: string;
  from: string;
  to: string;
  /** Set when the kernel made this change as a consequence of another (e.g. a module binding loggers). */
  side_effect?: boolean;
}
