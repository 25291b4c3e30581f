import assert from "node:assert/strict";
import { test } from "node:test";
import { checkRefName, isValidRefName } from "./refname.ts";

test("accepts full ref names git accepts", () => {
  for (const name of [
    "refs/heads/main",
    "refs/ekala/init",
    "refs/ekala/atoms/button/1.0.0-rc.1+build",
    "refs/ekala/atoms/ünïcödé/1.0.0",
    "refs/tags/v1",
  ]) {
    assert.ok(isValidRefName(name), name);
  }
});

test("refuses what git check-ref-format refuses, and anything outside refs/", () => {
  for (const name of [
    "HEAD",
    "main",
    "-x",
    "--upload-pack=x",
    "refs/",
    "refs/heads/",
    "refs//x",
    "refs/heads/a..b",
    "refs/heads/.x",
    "refs/heads/x.",
    "refs/heads/x.lock",
    "refs/heads/a b",
    "refs/heads/a~1",
    "refs/heads/a^",
    "refs/heads/a:b",
    "refs/heads/a?",
    "refs/heads/a*",
    "refs/heads/a[",
    "refs/heads/a\\b",
    "refs/heads/a@{1}",
    "refs/heads/a\nb",
    "refs/heads/a\u007f",
  ]) {
    assert.equal(isValidRefName(name), false, JSON.stringify(name));
  }
  assert.equal(checkRefName("HEAD", true), "HEAD");
  assert.throws(() => checkRefName("HEAD"), { code: "EKA_REF_INVALID" });
});
