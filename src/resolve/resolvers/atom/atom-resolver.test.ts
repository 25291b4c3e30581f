import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { arbitraryVersion } from "../../../../test/helpers/arbitrary-version.ts";
import {
  type B3Digest,
  type GitOid,
  highestMatch,
  parseRequirement,
  sortNewestFirst,
} from "../../../core/index.ts";
import type { AtomCandidate } from "../../types.ts";
import { newestMatch } from "./atom-resolver.ts";

const REQUIREMENTS = [
  "*",
  "^0",
  "^1",
  "^1.2",
  "~1.2.3",
  "=1.0.0",
  ">=1.0.0-rc.1, <2",
  "^2.0.0-alpha",
  "<1",
  ">1000000",
  "1.*",
  "^0.0.3",
  ">=1, <2",
  ">=0.1.0, ^0",
  "<=3, ~2",
  "2.*",
  "^1234567",
];

test("newestMatch chooses what highestMatch chooses among the versions with content", () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(arbitraryVersion, { maxLength: 40 }),
      fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
      fc.constantFrom(...REQUIREMENTS),
      (versions, withContent, text) => {
        const candidates: AtomCandidate[] = versions.map((version, n) => ({
          version,
          commit: "0".repeat(40) as GitOid,
          content: withContent[n] ? ("0".repeat(52) as B3Digest) : null,
          mirrors: ["m"],
        }));
        const req = parseRequirement(text);
        const usable = candidates.filter((c) => c.content !== null).map((c) => c.version);
        const chosen = newestMatch(req, sortNewestFirst(candidates));
        assert.equal(chosen?.version ?? null, highestMatch(req, usable));
      },
    ),
    { numRuns: 2000 },
  );
});
