/**
 * `nix+tar` and `nix+build` pins against Nix: archives (tar.gz, tar.xz, tar.bz2, tar.zst, zip, with
 * and without a top-level directory, with executables, symlinks and unicode names) served over
 * loopback HTTP lock to the hash `nix-prefetch-url --unpack` prints for the same URL; build pins
 * are accepted by a real `nix-build` of `<nix/fetchurl.nix>`; hostile archives are refused with
 * EKA_ARCHIVE_INVALID, write nothing outside, and leave no cache entry.
 */
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type TestContext, test } from "node:test";
import { promisify } from "node:util";
import { crc32, gzipSync } from "node:zlib";
import { DEFAULT_FETCH_LIMITS, type FetchLimits } from "../../src/config/index.ts";
import { collectingReport, EkaError, silentReport } from "../../src/core/index.ts";
import { type FetchContext, lockBuild, lockTar, unpackArchive } from "../../src/fetch/index.ts";
import {
  narString,
  nixBase32FromSri,
  sriFromNixBase32,
  toNixBase32,
} from "../../src/hash/index.ts";
import { assertEmptyCache, nixPrefetch } from "../helpers/fetch-checks.ts";
import { startHttpServer, type TestHttpServer } from "../helpers/http-server.ts";

const run = promisify(execFile);
const LIMITS: FetchLimits = { ...DEFAULT_FETCH_LIMITS, idleTimeoutMs: 5000, retries: 0 };

function tempDir(t: TestContext, prefix = "eka-archive-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function context(t: TestContext, limits: Partial<FetchLimits> = {}): FetchContext {
  return { cacheDir: tempDir(t), report: silentReport, limits: { ...LIMITS, ...limits } };
}

/** A project tree: nested dirs, an executable, symlinks, unicode and odd names, an empty dir. */
function writeProject(root: string): void {
  const files: Record<string, string | Buffer> = {
    "README.md": "# demo\n",
    "src/main.c": "int main(void) { return 0; }\n",
    "src/lib/ünïcödé ファイル.txt": "unicode\n",
    "data/blob.bin": randomBytes(300_000),
    "with space/and-dash": "odd\n",
  };
  for (const [path, data] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), data);
  }
  writeFileSync(join(root, "configure"), "#!/bin/sh\necho ok\n");
  chmodSync(join(root, "configure"), 0o755);
  symlinkSync("src/main.c", join(root, "main-link"));
  symlinkSync("../README.md", join(root, "src/readme-link"));
  symlinkSync("missing-target", join(root, "dangling"));
  mkdirSync(join(root, "empty-dir"));
}

test("archives lock to nix-prefetch-url --unpack's hash, with and without a top-level dir", async (t) => {
  const work = tempDir(t);
  const parent = join(work, "tree");
  writeProject(join(parent, "project-1.0"));
  const server = await startHttpServer(t);
  const archives: [string, string[]][] = [];
  const tarFlags: Record<string, string> = {
    "tar.gz": "-z",
    "tar.xz": "-J",
    "tar.bz2": "-j",
    "tar.zst": "--zstd",
    tar: "",
  };
  for (const [ext, flag] of Object.entries(tarFlags)) {
    for (const top of [true, false]) {
      const file = join(work, `${top ? "top" : "flat"}.${ext}`);
      const dir = top ? parent : join(parent, "project-1.0");
      const what = top ? "project-1.0" : ".";
      execFileSync("tar", ["-C", dir, ...(flag === "" ? [] : [flag]), "-cf", file, what]);
      archives.push([file, []]);
    }
  }
  execFileSync("zip", ["-qry", join(work, "top.zip"), "project-1.0"], { cwd: parent });
  execFileSync("zip", ["-qry", join(work, "flat.zip"), "."], { cwd: join(parent, "project-1.0") });
  archives.push([join(work, "top.zip"), []], [join(work, "flat.zip"), []]);
  const ctx = context(t);
  const hashes = new Set<string>();
  for (const [file] of archives) {
    const name = `/${file.slice(work.length + 1)}`;
    server.route(name, { body: { file } });
    await t.test(name.slice(1), async () => {
      const locked = await lockTar(server.url(name), ctx);
      assert.equal(locked.hash, await nixPrefetch(server.url(name), "--unpack"));
      hashes.add(locked.hash);
    });
  }
  assert.equal(hashes.size, 1, "every archive of the same tree has the same NAR hash");
});

test("a single file at the top, or several entries, hash as nix-prefetch-url --unpack does", async (t) => {
  const work = tempDir(t);
  const server = await startHttpServer(t);
  mkdirSync(join(work, "one"));
  writeFileSync(join(work, "one", "only.txt"), "just me\n");
  mkdirSync(join(work, "many"));
  writeFileSync(join(work, "many", "a"), "a");
  mkdirSync(join(work, "many", "b"));
  execFileSync("tar", ["-C", join(work, "one"), "-czf", join(work, "one.tar.gz"), "only.txt"]);
  execFileSync("tar", ["-C", join(work, "many"), "-czf", join(work, "many.tar.gz"), "a", "b"]);
  const report = collectingReport();
  const ctx = { ...context(t), report };
  for (const name of ["one.tar.gz", "many.tar.gz"]) {
    server.route(`/${name}`, { body: { file: join(work, name) } });
    const locked = await lockTar(server.url(`/${name}`), ctx);
    assert.equal(locked.hash, await nixPrefetch(server.url(`/${name}`), "--unpack"));
  }
  // builtins.fetchTarball would refuse the second: eka says so.
  const warnings = report.events.filter((e) => e.kind === "warn").map((e) => e.message);
  assert.equal(warnings.length, 1);
  assert.match(
    warnings[0]!,
    /many\.tar\.gz has 2 top-level entries.*builtins\.fetchTarball refuses/,
  );
});

test("unpacked in memory; contents over the budget spill to one scratch file, hashed the same", async (t) => {
  const work = tempDir(t);
  writeProject(join(work, "project-1.0"));
  for (let i = 0; i < 1200; i++) {
    const dir = join(work, "project-1.0", "many", `d${i % 30}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `f${i}`), randomBytes(i % 3 === 0 ? 0 : 100 + i));
  }
  const expected = execFileSync(
    "nix-hash",
    ["--type", "sha256", "--base32", join(work, "project-1.0")],
    { encoding: "utf8" },
  ).trim();
  const files = execFileSync("find", [join(work, "project-1.0"), "-type", "f", "-printf", "%s\n"], {
    encoding: "utf8",
  });
  const contentBytes = files
    .trim()
    .split("\n")
    .reduce((sum, n) => sum + Number(n), 0);
  execFileSync("tar", ["-C", work, "-cJf", join(work, "p.tar.xz"), "project-1.0"]);
  execFileSync("zip", ["-qry", join(work, "p.zip"), "project-1.0"], { cwd: work });
  for (const archive of ["p.tar.xz", "p.zip"]) {
    // Everything in memory (the default), some of it, none of it.
    for (const memoryBytes of [undefined, 200_000, 0]) {
      const scratch = join(work, `scratch-${archive}-${memoryBytes}`);
      const result = await unpackArchive(join(work, archive), scratch, {
        maxBytes: 1 << 30,
        where: archive,
        ...(memoryBytes === undefined ? {} : { memoryBytes }),
      });
      assert.equal(toNixBase32(result.digest), expected, `${archive}, memory ${memoryBytes}`);
      assert.equal(result.topEntries, 1);
      if (memoryBytes === undefined) {
        assert.equal(existsSync(scratch), false, "nothing written to disk");
      } else {
        const spilled = statSync(scratch).size;
        assert.ok(spilled > 0 && spilled <= contentBytes, `${archive}: ${spilled} bytes spilled`);
        if (memoryBytes === 0) assert.equal(spilled, contentBytes, "every byte spilled");
      }
    }
  }
});

test("repeated names and hard links unpack as Nix unpacks them", async (t) => {
  const server = await startHttpServer(t);
  const ctx = context(t);
  const cases: [string, Buffer][] = [
    [
      "repeated.tar",
      tar([
        { name: "pkg/a", data: "first" },
        { name: "pkg/b", data: "b" },
        { name: "pkg/a", data: "second, longer", mode: 0o755 },
        { name: "pkg/d", type: "5" },
        { name: "pkg/d", type: "5" },
        { name: "pkg/d/x", data: "x" },
      ]),
    ],
    [
      "hardlinks.tar",
      tar([
        { name: "pkg/bin/tool", data: "#!/bin/sh\n", mode: 0o755 },
        { name: "pkg/bin/alias", type: "1", link: "pkg/bin/tool" },
        { name: "pkg/other", type: "1", link: "pkg/bin/tool" },
      ]),
    ],
    [
      "implicit-parents.tar",
      tar([
        { name: "pkg/deep/er/file", data: "no directory entries before me" },
        { name: "pkg/z", data: "z" },
        { name: "pkg/deep/a", data: "a" },
      ]),
    ],
  ];
  for (const [name, body] of cases) {
    server.route(`/${name}`, { body });
    await t.test(name, async () => {
      const locked = await lockTar(server.url(`/${name}`), ctx);
      assert.equal(locked.hash, await nixPrefetch(server.url(`/${name}`), "--unpack"));
    });
  }
});

test("a cached tar re-lock downloads nothing and asks nothing", async (t) => {
  const work = tempDir(t);
  writeProject(join(work, "p"));
  execFileSync("tar", ["-C", work, "-czf", join(work, "p.tar.gz"), "p"]);
  const server = await startHttpServer(t);
  server.route("/p.tar.gz", { body: { file: join(work, "p.tar.gz") }, etag: '"p1"' });
  const ctx = context(t);
  const first = await lockTar(server.url("/p.tar.gz"), ctx);
  assert.equal(first.downloaded, true);
  const second = await lockTar(server.url("/p.tar.gz"), ctx);
  assert.deepEqual(second, { ...first, downloaded: false });
  const stale = { ...ctx, limits: { ...LIMITS, ttlSeconds: 0 } };
  const known = await lockTar(server.url("/p.tar.gz"), stale, { known: first.hash });
  assert.equal(known.hash, first.hash);
  assert.equal(server.count("/p.tar.gz"), 1, "one request in all");
  const refreshed = await lockTar(server.url("/p.tar.gz"), ctx, { refresh: true });
  assert.equal(refreshed.downloaded, false, "304: nothing downloaded");
  assert.equal(server.count("/p.tar.gz"), 2);
});

/** A ustar archive built byte by byte, to say exactly what a hostile archive holds. */
interface TarEntry {
  readonly name: string;
  readonly type?: "0" | "1" | "2" | "5" | "6";
  readonly data?: string | Buffer;
  readonly link?: string;
  readonly mode?: number;
}

function tar(entries: readonly TarEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const data = Buffer.from(entry.data ?? "");
    const h = Buffer.alloc(512);
    h.write(entry.name, 0, 100, "utf8");
    h.write(`${(entry.mode ?? 0o644).toString(8).padStart(7, "0")}\0`, 100, "latin1");
    h.write("0000000\0", 108, "latin1");
    h.write("0000000\0", 116, "latin1");
    h.write(`${data.length.toString(8).padStart(11, "0")}\0`, 124, "latin1");
    h.write("00000000000\0", 136, "latin1");
    h.write("        ", 148, "latin1");
    h.write(entry.type ?? "0", 156, "latin1");
    h.write(entry.link ?? "", 157, 100, "utf8");
    h.write("ustar\0", 257, "latin1");
    h.write("00", 263, "latin1");
    const sum = h.reduce((a, b) => a + b, 0);
    h.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "latin1");
    blocks.push(h, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

/** A zip of stored (uncompressed) Unix entries, names written as given. */
function zip(entries: readonly { name: string; data: string; mode?: number }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name);
    const data = Buffer.from(entry.data);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((entry.mode ?? 0o100644) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

async function assertRefused(
  t: TestContext,
  server: TestHttpServer,
  name: string,
  body: Buffer,
  pattern: RegExp,
  limits: Partial<FetchLimits> = {},
): Promise<void> {
  const ctx = context(t, limits);
  server.route(`/${name}`, { body });
  await assert.rejects(lockTar(server.url(`/${name}`), ctx), (error) => {
    assert.ok(error instanceof EkaError, String(error));
    assert.equal(error.code, "EKA_ARCHIVE_INVALID", error.message);
    assert.match(error.message, pattern);
    assert.match(error.message, new RegExp(`/${name.replace(".", "\\.")}`));
    return true;
  });
  assertEmptyCache(ctx.cacheDir);
}

test("hostile archives are refused, write nothing outside, and leave no cache entry", async (t) => {
  const server = await startHttpServer(t);
  const outside = join(tmpdir(), `eka-escape-${process.pid}`);
  t.after(() => rmSync(outside, { force: true, recursive: true }));
  const cases: [string, Buffer, RegExp][] = [
    [
      "traversal.tar.gz",
      gzipSync(
        tar([
          { name: "pkg/ok", data: "ok" },
          { name: `pkg/../../eka-escape-${process.pid}`, data: "x" },
        ]),
      ),
      /`\.\.` leaves the directory \(entry "pkg\/\.\.\/\.\.\/eka-escape/,
    ],
    ["absolute.tar", tar([{ name: `${outside}`, data: "x" }]), /an absolute path/],
    [
      "symlink-out.tar.gz",
      gzipSync(tar([{ name: "pkg/up", type: "2", link: "../../.." }])),
      /a symlink that points outside the directory \(entry "pkg\/up"\)/,
    ],
    [
      "symlink-absolute.tar",
      tar([{ name: "pkg/etc", type: "2", link: "/etc" }]),
      /a symlink to the absolute path \/etc/,
    ],
    [
      "symlink-chain.tar",
      // Each link alone stays inside; followed through `here`, `away` leaves.
      tar([
        { name: "pkg/here", type: "2", link: "." },
        { name: "pkg/away", type: "2", link: "here/../.." },
        { name: "pkg/sub/x", data: "x" },
      ]),
      /points outside the directory \(entry "pkg\/away"\)/,
    ],
    [
      "through-symlink.tar",
      tar([
        { name: "pkg/sub", type: "5" },
        { name: "pkg/link", type: "2", link: "sub" },
        { name: "pkg/link/file", data: "written through a link" },
      ]),
      /an entry inside a symlink of the archive \(entry "pkg\/link\/file"\)/,
    ],
    [
      "hardlink-out.tar",
      tar([{ name: "pkg/hard", type: "1", link: "../../etc/passwd" }]),
      /`\.\.` leaves the directory/,
    ],
    [
      "hardlink-missing.tar",
      tar([{ name: "pkg/hard", type: "1", link: "pkg/nothing" }]),
      /a hard link to "pkg\/nothing", not a file of the archive/,
    ],
    ["fifo.tar", tar([{ name: "pkg/fifo", type: "6" }]), /an entry of type fifo/],
    [
      "traversal.zip",
      zip([
        { name: "pkg/ok", data: "ok" },
        { name: "../zip-escape", data: "x" },
      ]),
      /invalid relative path|`\.\.`/,
    ],
    [
      "zip-symlink-out.zip",
      zip([{ name: "pkg/out", data: "../../../etc", mode: 0o120777 }]),
      /points outside the directory \(entry "pkg\/out"\)/,
    ],
    [
      "absolute.zip",
      zip([{ name: "/tmp/zip-absolute", data: "x" }]),
      /an absolute path \(entry "\/tmp\/zip-absolute"\)/,
    ],
    [
      "under-a-file.tar",
      tar([
        { name: "pkg/a", data: "a file" },
        { name: "pkg/a/b", data: "under it" },
      ]),
      /an entry under something that is not a directory \(entry "pkg\/a\/b"\)/,
    ],
    [
      "replaces-a-directory.tar",
      tar([
        { name: "pkg/d/x", data: "x" },
        { name: "pkg/d", data: "a file where a directory was" },
      ]),
      /an entry replaces a directory of the archive \(entry "pkg\/d"\)/,
    ],
    [
      "not-an-archive.tar.gz",
      Buffer.from("<html>login page</html>"),
      /not an archive eka can unpack/,
    ],
  ];
  for (const [name, body, pattern] of cases) {
    await t.test(name, () => assertRefused(t, server, name, body, pattern));
  }
  assert.equal(existsSync(outside), false, "nothing was written outside");
  assert.equal(existsSync(join(tmpdir(), "zip-escape")), false);
});

test("a decompression bomb beyond fetch.max-unpacked-size is refused", async (t) => {
  const server = await startHttpServer(t);
  const zeros = Buffer.alloc(20 * 1024 * 1024);
  const bomb = gzipSync(tar([{ name: "pkg/zeros", data: zeros }]));
  assert.ok(bomb.length < 100_000, "the archive is small");
  await assertRefused(
    t,
    server,
    "bomb.tar.gz",
    bomb,
    /more than 1048576 bytes \(fetch\.max-unpacked-size\)/,
    {
      maxUnpackedBytes: 1024 * 1024,
    },
  );
  // Many tiny entries count too (512 bytes each).
  const many = gzipSync(tar(Array.from({ length: 3000 }, (_, i) => ({ name: `pkg/f${i}` }))));
  await assertRefused(t, server, "entries.tar.gz", many, /more than 1048576 bytes/, {
    maxUnpackedBytes: 1024 * 1024,
  });
  // A zip (unpacked from the downloaded file, not while it streams) of 20 MiB of zeros.
  const work = tempDir(t);
  writeFileSync(join(work, "zeros"), zeros);
  execFileSync("zip", ["-q9", join(work, "bomb.zip"), "zeros"], { cwd: work });
  const zipBomb = readFileSync(join(work, "bomb.zip"));
  assert.ok(zipBomb.length < 100_000, "the zip is small");
  await assertRefused(t, server, "bomb.zip", zipBomb, /more than 1048576 bytes/, {
    maxUnpackedBytes: 1024 * 1024,
  });
  // Within a limit that allows it, the same archives lock.
  server.route("/ok.tar.gz", { body: bomb });
  const roomy = context(t, { maxUnpackedBytes: 64 * 1024 * 1024 });
  const locked = await lockTar(server.url("/ok.tar.gz"), roomy);
  assert.equal(locked.hash, await nixPrefetch(server.url("/ok.tar.gz"), "--unpack"));
});

test("a server that stalls in the middle of a tarball times out; nothing is cached", async (t) => {
  const work = tempDir(t);
  writeProject(join(work, "p"));
  execFileSync("tar", ["-C", work, "-czf", join(work, "p.tar.gz"), "p"]);
  const server = await startHttpServer(t);
  server.route("/stall.tar.gz", { body: { file: join(work, "p.tar.gz") }, hang: "body" });
  server.route("/silent.tar.gz", { body: { file: join(work, "p.tar.gz") }, hang: "headers" });
  const ctx = context(t, { idleTimeoutMs: 300, retries: 1, retryDelayMs: 10 });
  for (const path of ["/stall.tar.gz", "/silent.tar.gz"]) {
    await assert.rejects(lockTar(server.url(path), ctx), (e) => {
      assert.ok(e instanceof EkaError, String(e));
      assert.equal(e.code, "EKA_FETCH_FAILED");
      assert.match(e.message, new RegExp(`${path.replace(".", "\\.")}.*no data for 0\\.3 s`));
      assert.equal(e.data?.["reason"], "timeout");
      return true;
    });
    assert.equal(server.count(path), 2, "tried twice");
  }
  assertEmptyCache(ctx.cacheDir);
});

test("a truncated archive is refused; nothing is cached", async (t) => {
  const work = tempDir(t);
  writeProject(join(work, "p"));
  execFileSync("tar", ["-C", work, "-cJf", join(work, "p.tar.xz"), "p"]);
  const whole = execFileSync("cat", [join(work, "p.tar.xz")]);
  const server = await startHttpServer(t);
  await assertRefused(
    t,
    server,
    "cut.tar.xz",
    whole.subarray(0, whole.length >> 1),
    /cannot unpack/,
  );
  const gz = gzipSync(tar([{ name: "pkg/data", data: randomBytes(100_000) }]));
  await assertRefused(t, server, "cut.tar.gz", gz.subarray(0, gz.length - 5000), /cannot unpack/);
});

/** `nix-build` of `<nix/fetchurl.nix>` with the locked hash: Nix accepts it or fails. */
async function nixBuildFetchurl(url: string, hash: string, flags: string): Promise<string> {
  const expr = `import <nix/fetchurl.nix> { url = "${url}"; sha256 = "${nixBase32FromSri(hash)}"; ${flags} }`;
  const { stdout } = await run("nix-build", ["--no-out-link", "-E", expr], { encoding: "utf8" });
  return stdout.trim();
}

test("build pins hash as Nix's build-time fetchurl checks them, and nix-build accepts them", async (t) => {
  const work = tempDir(t);
  writeProject(join(work, "tree"));
  const server = await startHttpServer(t);
  const tool = randomBytes(50_000);
  server.route("/tool", { body: tool });
  const nar = execFileSync("nix-store", ["--dump", join(work, "tree")], { maxBuffer: 1 << 26 });
  writeFileSync(join(work, "tree.nar"), nar);
  execFileSync("xz", ["-k", join(work, "tree.nar")]);
  server.route("/tree.nar.xz", { body: { file: join(work, "tree.nar.xz") } });
  server.route("/tree.nar", { body: nar });
  const ctx = context(t);

  const flat = await lockBuild(server.url("/tool"), { unpack: false, exec: false }, ctx);
  assert.equal(flat.hash, await nixPrefetch(server.url("/tool")));

  const exec = await lockBuild(server.url("/tool"), { unpack: false, exec: true }, ctx);
  assert.notEqual(exec.hash, flat.hash);
  const built = await nixBuildFetchurl(server.url("/tool"), exec.hash, "executable = true;");
  assert.ok(built.startsWith("/nix/store/"));

  const expected = sriFromNixBase32(
    execFileSync("nix-hash", ["--type", "sha256", "--base32", join(work, "tree")], {
      encoding: "utf8",
    }).trim(),
  );
  const unpacked = await lockBuild(server.url("/tree.nar.xz"), { unpack: true, exec: false }, ctx);
  assert.equal(unpacked.hash, expected);
  await nixBuildFetchurl(server.url("/tree.nar.xz"), unpacked.hash, "unpack = true;");
  const plainNar = await lockBuild(server.url("/tree.nar"), { unpack: true, exec: false }, ctx);
  assert.equal(plainNar.hash, expected);

  // unpack + exec: the NAR of one plain file, made executable after it is restored.
  writeFileSync(join(work, "script"), "#!/bin/sh\necho hi\n");
  const fileNar = execFileSync("nix-store", ["--dump", join(work, "script")]);
  server.route("/script.nar", { body: fileNar });
  const both = await lockBuild(server.url("/script.nar"), { unpack: true, exec: true }, ctx);
  chmodSync(join(work, "script"), 0o755);
  const execHash = execFileSync(
    "nix-hash",
    ["--type", "sha256", "--base32", join(work, "script")],
    {
      encoding: "utf8",
    },
  );
  assert.equal(both.hash, sriFromNixBase32(execHash.trim()));
  await nixBuildFetchurl(server.url("/script.nar"), both.hash, "unpack = true; executable = true;");
});

test("a build pin with unpack refuses what is not a canonical NAR", async (t) => {
  const server = await startHttpServer(t);
  const ctx = context(t);
  server.route("/a.tar.gz", { body: gzipSync(tar([{ name: "x", data: "x" }])) });
  await assert.rejects(
    lockBuild(server.url("/a.tar.gz"), { unpack: true, exec: false }, ctx),
    (e) =>
      e instanceof EkaError &&
      e.code === "EKA_ARCHIVE_INVALID" &&
      /not a canonical NAR/.test(e.message),
  );
  // A well-formed NAR whose directory lists "b" before "a".
  const file = (name: string) => [
    ...["entry", "(", "name", name, "node", "(", "type", "regular", "contents", name, ")"],
    ")",
  ];
  const tokens = ["nix-archive-1", "(", "type", "directory", ...file("b"), ...file("a"), ")"];
  server.route("/unsorted.nar", { body: Buffer.concat(tokens.map((x) => narString(x))) });
  await assert.rejects(
    lockBuild(server.url("/unsorted.nar"), { unpack: true, exec: false }, ctx),
    (e) => e instanceof EkaError && /not sorted/.test(e.message),
  );
  assertEmptyCache(ctx.cacheDir);
  // The same entries in order pass, and hash as nix-hash hashes the tree they restore to.
  const sorted = ["nix-archive-1", "(", "type", "directory", ...file("a"), ...file("b"), ")"];
  server.route("/sorted.nar", { body: Buffer.concat(sorted.map((x) => narString(x))) });
  const work = tempDir(t);
  mkdirSync(join(work, "d"));
  writeFileSync(join(work, "d", "a"), "a");
  writeFileSync(join(work, "d", "b"), "b");
  const locked = await lockBuild(server.url("/sorted.nar"), { unpack: true, exec: false }, ctx);
  const nixHash = execFileSync("nix-hash", ["--type", "sha256", "--base32", join(work, "d")], {
    encoding: "utf8",
  });
  assert.equal(locked.hash, sriFromNixBase32(nixHash.trim()));
});

test("a tarball cut short while it unpacks is retried from scratch, then refused; no entry", async (t) => {
  const work = tempDir(t);
  writeProject(join(work, "p"));
  execFileSync("tar", ["-C", work, "-czf", join(work, "p.tar.gz"), "p"]);
  const server = await startHttpServer(t);
  server.route("/cut.tar.gz", { body: { file: join(work, "p.tar.gz") }, truncateAt: 150_000 });
  const ctx = context(t, { retries: 1, retryDelayMs: 10 });
  await assert.rejects(
    lockTar(server.url("/cut.tar.gz"), ctx),
    (e) => e instanceof EkaError && e.code === "EKA_FETCH_FAILED" && /cut short/.test(e.message),
  );
  assert.equal(server.count("/cut.tar.gz"), 2);
  assertEmptyCache(ctx.cacheDir);
  // The first attempt fails, the second unpacks into a clean directory.
  server.route("/flaky.tar.gz", {
    body: { file: join(work, "p.tar.gz") },
    failFirst: { count: 1, status: 503 },
  });
  const locked = await lockTar(server.url("/flaky.tar.gz"), ctx);
  assert.equal(locked.hash, await nixPrefetch(server.url("/flaky.tar.gz"), "--unpack"));
});
