import assert from "node:assert/strict";
import { test } from "node:test";
import type { B3Digest, Label, Version } from "../core/types.ts";
import {
  atomRef,
  atomsPrefix,
  contentPrefix,
  contentRef,
  EKALA_PREFIX,
  INIT_REF,
  manifestRef,
  originRef,
  parseEkalaRef,
  validateEkalaRef,
} from "./refs.ts";

const label = "button" as Label;
const version = "1.2.3-rc.1+build.5" as Version;
const digest = "0123456789abcdefghijklmnopqrstuv0123456789abcdefghij" as B3Digest;

test("builds the refs of protocol.md §4", () => {
  assert.equal(INIT_REF, "refs/ekala/init");
  assert.equal(atomRef(label, version), "refs/ekala/atoms/button/1.2.3-rc.1+build.5");
  assert.equal(manifestRef(label, version), "refs/ekala/manifests/button/1.2.3-rc.1+build.5");
  assert.equal(originRef(label, version), "refs/ekala/origins/button/1.2.3-rc.1+build.5");
  assert.equal(
    contentRef(label, version, digest),
    `refs/ekala/content/button/1.2.3-rc.1+build.5/${digest}`,
  );
  assert.equal(atomsPrefix(), "refs/ekala/atoms/");
  assert.equal(atomsPrefix(label), "refs/ekala/atoms/button/");
  assert.equal(contentPrefix(label), "refs/ekala/content/button/");
  assert.ok(atomsPrefix().startsWith(EKALA_PREFIX));
});

test("refuses components that would change the ref's shape", () => {
  assert.throws(() => atomRef("a/b" as Label, version), { code: "EKA_INTERNAL" });
  assert.throws(() => atomRef("" as Label, version), { code: "EKA_INTERNAL" });
});

test("parses every ref it builds back to its parts", () => {
  assert.deepEqual(parseEkalaRef(INIT_REF), { kind: "init" });
  assert.deepEqual(parseEkalaRef(atomRef(label, version)), { kind: "atom", label, version });
  assert.deepEqual(parseEkalaRef(manifestRef(label, version)), {
    kind: "manifest",
    label,
    version,
  });
  assert.deepEqual(parseEkalaRef(originRef(label, version)), { kind: "origin", label, version });
  assert.deepEqual(parseEkalaRef(contentRef(label, version, digest)), {
    kind: "content",
    label,
    version,
    digest,
  });
});

test("anything else is unknown, with a reason", () => {
  for (const name of [
    "refs/heads/main",
    "refs/ekala/initx",
    "refs/ekala/atoms/button",
    "refs/ekala/atoms/button/1.0.0/extra",
    "refs/ekala/atoms//1.0.0",
    "refs/ekala/content/button/1.0.0",
    "refs/ekala/other/a/b",
    "refs/ekala/__proto__/a/b",
    "refs/ekala/constructor/a/b",
  ]) {
    const parsed = parseEkalaRef(name);
    assert.equal(parsed.kind, "unknown", name);
    assert.ok(parsed.kind === "unknown" && parsed.reason.length > 0);
  }
});

test("validates with injected validators and requires canonical components", () => {
  const validators = {
    label: (raw: string) => {
      if (!/^[a-z][a-z0-9-]*$/.test(raw.normalize("NFKC"))) throw new Error(`bad label ${raw}`);
      return raw.normalize("NFKC") as Label;
    },
    version: (raw: string) => {
      if (!/^\d+\.\d+\.\d+/.test(raw)) throw new Error(`bad version ${raw}`);
      return raw as Version;
    },
    digest: (raw: string) => raw as B3Digest,
  };
  assert.deepEqual(validateEkalaRef(atomRef(label, version), validators), {
    kind: "atom",
    label,
    version,
  });
  assert.deepEqual(validateEkalaRef(INIT_REF, validators), { kind: "init" });
  const bad = validateEkalaRef("refs/ekala/atoms/Button!/1.0.0", validators);
  assert.equal(bad.kind, "unknown");
  assert.match(bad.kind === "unknown" ? bad.reason : "", /bad label/);
  const notCanonical = validateEkalaRef("refs/ekala/atoms/\uFB01le/1.0.0", validators);
  assert.equal(notCanonical.kind, "unknown");
  assert.match(notCanonical.kind === "unknown" ? notCanonical.reason : "", /canonical/);
  assert.equal(validateEkalaRef("refs/ekala/atoms/x/v1", validators).kind, "unknown");
});
