// The one protocol host scripts answer in; frame.sh beside this module is its shell counterpart.
//
//   line    = frame | noise
//   frame   = "@@" tag *( TAB field )         tag from FRAMES below, optionally "ORIGIN-" prefixed
//   noise   = any line not starting with "@@"  (output of a command nobody framed): ignored
//
// A tag has between `min` and `max` fields; the last of `max` fields holds the rest of the line,
// tabs included, so a record or a message needs no escaping. Text the host does not control (log
// records, files, /proc contents passed on) only ever travels as a frame's last field, so it never
// begins a line and cannot be taken for a control frame. A frame with fewer than `min` fields (a
// line cut short) or an unknown tag is a MalformedAnswer.
// Scripts that run another script pass its frames on with an origin prefix
// ("@@rollback-restored…", sed 's/^@@/@@rollback-/'): the shape is the unprefixed tag's.
// Awk programs print frames as literal "@@TAG\t" text; a unit test checks every tag the .sh and
// .awk files print is listed here.
import { MalformedAnswer } from "../errors.js";

interface Shape {
  min: number;
  max: number;
}
const shape = (min: number, max = min): Shape => ({ min, max });

export const FRAMES: Readonly<Record<string, Shape>> = {
  // The engine's scripts (src/engine/host, src/kinds).
  facts: shape(1), // script version
  section: shape(1), // NAME: the lines up to the next section or end belong to it
  end: shape(0),
  locked: shape(0, 1), // message
  denied: shape(1), // message
  fail: shape(2), // kind, message
  change: shape(4, 5), // KIND:KNOB, key, from, to [, "side-effect"]
  restored: shape(3, 4), // KIND:KNOB, key, now|gone|already|unloaded [, from]
  drift: shape(4), // KIND:KNOB, key, now, expected
  failed: shape(3), // KIND:KNOB, key, message
  inuse: shape(3), // KIND:KNOB, key, references
  revert: shape(1, 2), // outcome [, window]
  done: shape(1, 3), // state [, window, expires]
  window: shape(3), // "same", window, expires
  timer: shape(2), // systemd|watchdog|rearmed, unit or pid
  now: shape(2), // epoch seconds, boot id
  extend: shape(1, 4), // outcome [, window, expires, now]
  refused: shape(4), // window, owner, profile, expires
  // collect's window marks (src/engine/collect.sh).
  nowindow: shape(0),
  marks: shape(2, 3), // window, 1 when open [, its profile (empty when unknown)]
  file: shape(2), // name, one line of it
  capture: shape(5), // one of the window's captures: file stem (capture, flow-NAME), 1 while tcpdump runs, pcap size, bytes collected, packet bound
  pcap: shape(1), // one base64 line of a capture's bytes
  // Conntrack counters (src/logs/counters.sh).
  counter: shape(2), // name, one line of its value
  // Log sources (src/logs/sources/*.sh).
  clock: shape(3), // boot id, epoch seconds, uptime seconds
  R: shape(1), // one raw record (one letter: there is one of these per log line)
  E: shape(5), // journald: one entry (cursor, realtime µs, priority, facility, message)
  first: shape(1), // kmsg: the oldest sequence number still in the buffer
  pos: shape(1, 3), // the position after the last record (fields depend on the source)
  warn: shape(1, 2), // code [, detail]
  exit: shape(1), // exit status of the reading command
  marker: shape(1), // kmsg: the marker record written
  firstcursor: shape(1), // journald: the cursor of the first entry read
  cursor: shape(1), // journald: the cursor of the last entry skipped by the filter
  zone: shape(0, 1), // `date +%z`
  kernel: shape(1), // kernel release
  source: shape(1, 2), // kind [, detail]
  detected: shape(0), // end of the source detection
};

export interface Frame {
  tag: string;
  fields: string[];
}

function shapeOf(tag: string): Shape {
  const found = FRAMES[tag] ?? FRAMES[tag.slice(tag.lastIndexOf("-") + 1)];
  if (!found) throw new MalformedAnswer(`unknown host frame ${JSON.stringify(tag.slice(0, 40))}`);
  return found;
}

/** The frame a line carries, or null for noise. Cheap: no regex, at most `max` slices. */
export function parseFrame(line: string): Frame | null {
  if (line.charCodeAt(0) !== 64 || line.charCodeAt(1) !== 64) return null;
  let tab = line.indexOf("\t", 2);
  const tag = tab < 0 ? line.slice(2) : line.slice(2, tab);
  const { min, max } = shapeOf(tag);
  const fields: string[] = [];
  while (tab >= 0 && fields.length < max) {
    const next = fields.length === max - 1 ? -1 : line.indexOf("\t", tab + 1);
    fields.push(next < 0 ? line.slice(tab + 1) : line.slice(tab + 1, next));
    tab = next;
  }
  if (fields.length < min)
    throw new MalformedAnswer(
      `a host frame "${tag}" has ${fields.length} of its ${min} fields: ${JSON.stringify(line.slice(0, 200))}`,
    );
  return { tag, fields };
}

/** Every frame of a script's whole output. */
export function parseFrames(stdout: string): Frame[] {
  const frames: Frame[] = [];
  for (const line of stdout.split("\n")) {
    const frame = parseFrame(line);
    if (frame) frames.push(frame);
  }
  return frames;
}

/** "@@file\tNAME\tLINE" frames gathered per NAME: the files a script passed on, each as one text. */
export function framedFiles(frames: Frame[]): Map<string, string> {
  const lines = new Map<string, string[]>();
  for (const { tag, fields } of frames) {
    if (tag !== "file") continue;
    const list = lines.get(fields[0]) ?? [];
    list.push(fields[1]);
    lines.set(fields[0], list);
  }
  return new Map([...lines].map(([name, l]) => [name, l.join("\n")]));
}

/** frame.sh: nfd_emit and nfd_frame, for every script that answers in frames. */
export const FRAME_SH = new URL("./frame.sh", import.meta.url);
