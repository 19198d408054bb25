// The Debian 12 VM recordings (kernel 6.1) through the log sources and parsers: debianRecordings.ts.
import { debianRecordingTests } from "./debianRecordings.js";

debianRecordingTests("debian-6.1");
