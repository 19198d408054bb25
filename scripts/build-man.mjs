#!/usr/bin/env node
// Writes dist/man/nfdebug.1 from the built command tree (src/cli/manPage.ts). Run after tsc.
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const load = (path) => import(pathToFileURL(resolve("dist/src", path)).href);
const { buildProgram } = await load("cli/program.js");
const { manPage } = await load("cli/manPage.js");
const { NFDEBUG_VERSION } = await load("version.js");
// The build's date; SOURCE_DATE_EPOCH (reproducible builds) when set.
const epochMs = process.env.SOURCE_DATE_EPOCH ? Number(process.env.SOURCE_DATE_EPOCH) * 1000 : Date.now();
const date = new Date(epochMs).toISOString().slice(0, 10);
mkdirSync(resolve("dist/man"), { recursive: true });
writeFileSync(resolve("dist/man/nfdebug.1"), manPage(buildProgram(), NFDEBUG_VERSION, date));
