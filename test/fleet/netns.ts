// Namespace test fleet: many OpenSSH hosts on loopback, each in its own network namespace.
// See test/fleet/netns/README.md for how it is built and how to use it.
export { startFleet, attachFleet } from "./netns/fleet.js";
export { sweepStaleFleets } from "./netns/sweeper.js";
export { INVALID_EXPECTATIONS, INVALID_KINDS, reasonOfLine, parseConntrackStat } from "./netns/packets.js";
export type {
  Fleet,
  FleetHost,
  FleetOptions,
  HostRole,
  InvalidKind,
  InvalidExpectation,
  InvalidResult,
  CutOffOptions,
  NsExecOptions,
  NsExecResult,
} from "./netns/types.js";
