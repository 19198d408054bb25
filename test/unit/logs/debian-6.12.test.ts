// The Debian 13 VM recordings (kernel 6.12) through the log sources and parsers: debianRecordings.ts.
import { debianRecordingTests } from "./debianRecordings.js";

debianRecordingTests("debian-6.12");
