#!/usr/bin/env node
// The `stele` command. The CLI is TypeScript run through tsx, so `npm ci` is the only build step.
import { register } from "tsx/esm/api";

register();
await import("../main.ts");
