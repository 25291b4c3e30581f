/** fast-check generators of eka's values, for property tests. */
import fc from "fast-check";
import type { Version } from "../../src/core/types.ts";
import { parseVersion } from "../../src/core/version.ts";

/** Valid versions, plain ones with small and large numbers most often. */
export const arbitraryVersion: fc.Arbitrary<Version> = fc
  .record({
    numbers: fc.array(
      fc.oneof(
        fc.nat(12),
        fc.nat(2_000_000),
        fc.constantFrom(999_999, 1_000_000, 9006, 9007, 123_456_789_012_345, 1_234_567_890_123_456),
      ),
      { minLength: 3, maxLength: 3 },
    ),
    pre: fc.constantFrom("", "", "", "-rc.1", "-rc.10", "-alpha", "-0", "-1.2-x", "-a-b"),
    build: fc.constantFrom("", "", "", "+b", "+a.1", "+x-y.z", "+0-1"),
  })
  .map(({ numbers, pre, build }) => parseVersion(`${numbers.join(".")}${pre}${build}`));

/** Plain `M.m.p` versions of the sizes listings hold (and the edges of 10⁶ and 9007). */
export const arbitraryPlainVersion: fc.Arbitrary<Version> = fc
  .array(fc.oneof(fc.nat(12), fc.nat(1_000_001), fc.constantFrom(9006, 9007)), {
    minLength: 3,
    maxLength: 3,
  })
  .map((numbers) => parseVersion(numbers.join(".")));
