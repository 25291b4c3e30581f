/**
 * NAR hashing against Nix itself: for a corpus of trees (empty directory, nested directories,
 * executables, relative, absolute and dangling symlinks, unicode, non-UTF-8 and odd names, a large
 * file, more than 1,000 files), eka's hash equals `nix-hash --type sha256 --base32 <path>` and
 * `nix hash path`, its SRI form equals `nix hash to-sri` of that, and flat hashes equal
 * `nix-hash --flat` and `nix hash file`.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type TestContext, test } from "node:test";
import { EkaError, sriHashFromBytes } from "../../src/core/index.ts";
import { narHashPath, sha256File, toNixBase32 } from "../../src/hash/index.ts";

function nixHash(...args: string[]): string {
  return execFileSync("nix-hash", ["--type", "sha256", "--base32", ...args], {
    encoding: "utf8",
  }).trim();
}

function nixToSri(base32: string): string {
  return execFileSync(
    "nix",
    ["--extra-experimental-features", "nix-command", "hash", "to-sri", "--type", "sha256", base32],
    { encoding: "utf8" },
  ).trim();
}

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), "eka-nar-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

type Spec =
  | string
  | Uint8Array
  | { readonly link: string }
  | { readonly exec: string | Uint8Array };

function write(root: string, files: Readonly<Record<string, Spec>>): void {
  for (const [path, spec] of Object.entries(files)) {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    if (typeof spec === "object" && "link" in spec) symlinkSync(spec.link, file);
    else if (typeof spec === "object" && "exec" in spec) {
      writeFileSync(file, spec.exec);
      chmodSync(file, 0o755);
    } else writeFileSync(file, spec);
  }
}

/** `nix hash path|file --type sha256 <path>`: the SRI form, from the new CLI. */
function nixHashCommand(kind: "path" | "file", path: string): string {
  return execFileSync(
    "nix",
    ["--extra-experimental-features", "nix-command", "hash", kind, "--type", "sha256", path],
    { encoding: "utf8" },
  ).trim();
}

async function assertSameAsNix(path: string): Promise<void> {
  const expected = nixHash(path);
  const got = await narHashPath(path);
  assert.equal(toNixBase32(got.digest), expected, `NAR hash of ${path}`);
  assert.equal(sriHashFromBytes(got.digest), nixHashCommand("path", path), `nix hash path ${path}`);
}

test("the NAR hash of each tree in the corpus equals nix-hash", async (t) => {
  const root = tempDir(t);
  const cases: Record<string, Readonly<Record<string, Spec>>> = {
    "one file": { "a.txt": "hello\n" },
    "empty file": { empty: "" },
    "padding sizes": Object.fromEntries(
      Array.from({ length: 17 }, (_, n) => [`f${n}`, "x".repeat(n)]),
    ),
    nested: {
      "a/b/c/d/e.txt": "deep",
      "a/b/x": "x",
      "a/y": "y",
      "z/z/z/z": "",
    },
    executables: { "bin/tool": { exec: "#!/bin/sh\necho hi\n" }, "bin/data": "not exec" },
    symlinks: {
      "target.txt": "t",
      "rel-link": { link: "target.txt" },
      "dir/up-link": { link: "../target.txt" },
      dangling: { link: "does/not/exist" },
      absolute: { link: "/etc/passwd" },
      "dir-link": { link: "dir" },
      "self-loop": { link: "self-loop" },
    },
    "unicode and odd names": {
      "\u00e9.txt": "e acute (precomposed)",
      "e\u0301.txt": "e acute (combining)",
      "日本語/ファイル": "jp",
      "emoji-🎉": "party",
      "with space": "s",
      "with\nnewline": "n",
      "-dash": "d",
      "back\\slash": "b",
      Upper: "U",
      upper: "u",
      "a.b": "1",
      "a-b": "2",
      a: "3",
      "a~": "4",
      ÿ: "5",
      ".hidden": "h",
      // UTF-16 order and byte order disagree here: U+FF5E sorts after 𝒜 (a surrogate pair) in
      // JavaScript, before it in UTF-8.
      "～": "fullwidth tilde",
      𝒜: "math A",
      "..dots": "dd",
    },
  };
  for (const [name, files] of Object.entries(cases)) {
    const dir = join(root, name.replaceAll(" ", "_"));
    mkdirSync(dir);
    write(dir, files);
    await t.test(name, () => assertSameAsNix(dir));
  }
  await t.test("empty directory", () => {
    const dir = join(root, "empty");
    mkdirSync(dir);
    return assertSameAsNix(dir);
  });
  await t.test("a name that is not UTF-8", () => {
    const dir = join(root, "latin1");
    mkdirSync(dir);
    writeFileSync(Buffer.concat([Buffer.from(`${dir}/caf`), Buffer.from([0xe9])]), "latin-1");
    writeFileSync(Buffer.concat([Buffer.from(`${dir}/caf`), Buffer.from([0x7f])]), "del");
    writeFileSync(join(dir, "cafe"), "ascii");
    return assertSameAsNix(dir);
  });
  await t.test("the whole corpus at once", () => assertSameAsNix(root));
});

test("a large file and more than 1,000 files hash as nix-hash hashes them", async (t) => {
  const root = tempDir(t);
  // 20 MiB + 3 bytes: many staging buffers, and padding at the end.
  writeFileSync(join(root, "large.bin"), randomBytes(20 * 1024 * 1024 + 3));
  for (let d = 0; d < 25; d++) {
    const dir = join(root, `dir-${d}`, d % 2 === 0 ? "even" : "odd");
    mkdirSync(dir, { recursive: true });
    for (let f = 0; f < 45; f++) {
      const file = join(dir, `file-${f}.dat`);
      writeFileSync(file, randomBytes((d * 131 + f * 977) % 70_000));
      if (f % 7 === 0) chmodSync(file, 0o755);
    }
    symlinkSync("even/file-0.dat", join(root, `dir-${d}`, "link"));
  }
  await assertSameAsNix(root);
  const result = await narHashPath(root);
  assert.ok(result.size > 20 * 1024 * 1024, "the NAR size counts the file contents");
  // The flat hash of the large file, and of a small one.
  for (const file of [join(root, "large.bin"), join(root, "dir-3", "odd", "file-9.dat")]) {
    assert.equal(toNixBase32(await sha256File(file)), nixHash("--flat", file));
  }
});

test("a file, an executable file and a symlink hash on their own as Nix hashes them", async (t) => {
  const root = tempDir(t);
  write(root, {
    plain: "plain\n",
    tool: { exec: randomBytes(10_000) },
    link: { link: "plain" },
  });
  for (const name of ["plain", "tool", "link"]) await assertSameAsNix(join(root, name));
  // `executable: true` hashes as Nix's build-time fetchurl does after `chmod 0755`.
  const copy = join(root, "copy");
  copyFileSync(join(root, "plain"), copy);
  chmodSync(copy, 0o755);
  const forced = await narHashPath(join(root, "plain"), { executable: true });
  assert.equal(toNixBase32(forced.digest), nixHash(copy));
  assert.notEqual(toNixBase32(forced.digest), nixHash(join(root, "plain")));
});

test("SRI forms equal `nix hash to-sri` and flat hashes equal nix-hash --flat", async (t) => {
  const root = tempDir(t);
  write(root, { a: "", b: "abc", c: randomBytes(1_234_567) });
  for (const name of ["a", "b", "c"]) {
    const file = join(root, name);
    const flat = await sha256File(file);
    const expected = nixHash("--flat", file);
    assert.equal(toNixBase32(flat), expected);
    assert.equal(sriHashFromBytes(flat), nixToSri(expected));
    assert.equal(sriHashFromBytes(flat), nixHashCommand("file", file));
  }
  const nar = await narHashPath(root);
  assert.equal(sriHashFromBytes(nar.digest), nixToSri(nixHash(root)));
});

test("a fifo and a missing path are EKA_IO errors naming the path", async (t) => {
  const root = tempDir(t);
  execFileSync("mkfifo", [join(root, "pipe")]);
  await assert.rejects(narHashPath(root), (e) => {
    assert.ok(e instanceof EkaError);
    assert.equal(e.code, "EKA_IO");
    assert.match(e.message, /pipe is neither a file, a directory nor a symlink/);
    return true;
  });
  await assert.rejects(narHashPath(join(root, "missing")), (e) => {
    assert.ok(e instanceof EkaError);
    assert.equal(e.code, "EKA_IO");
    assert.match(e.message, /missing/);
    return true;
  });
  await assert.rejects(sha256File(join(root, "missing")), { code: "EKA_IO" });
});
