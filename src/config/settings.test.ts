import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { type EkaError, parseAtomUri } from "../core/index.ts";
import {
  aliasTable,
  fetchLimits,
  loadSettings,
  loadSettingsOrFallback,
  settingRows,
} from "./settings.ts";

const root = mkdtempSync(join(tmpdir(), "eka-config-"));
after(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
/** A fresh home directory, with `eka.toml` written under `.config/eka/` when given. */
function home(config?: string): string {
  const dir = join(root, `home${n++}`);
  mkdirSync(join(dir, ".config", "eka"), { recursive: true });
  if (config !== undefined) writeFileSync(join(dir, ".config", "eka", "eka.toml"), config);
  return dir;
}

describe("loadSettings", () => {
  it("has defaults under HOME, and the built-in aliases", () => {
    const h = home();
    const s = loadSettings({ HOME: h });
    assert.deepEqual(s.configFile, {
      value: join(h, ".config", "eka", "eka.toml"),
      source: "default",
    });
    assert.deepEqual(s.cacheDir, { value: join(h, ".cache", "eka"), source: "default" });
    assert.deepEqual(s.color, { value: true, source: "default" });
    assert.deepEqual(s.debug, { value: false, source: "default" });
    assert.deepEqual(
      [...aliasTable(s)],
      [
        ["gh", "https://github.com/"],
        ["gl", "https://gitlab.com/"],
        ["cb", "https://codeberg.org/"],
        ["sr", "https://git.sr.ht/"],
      ],
    );
    assert.equal(s.aliases.get("gh")?.source, "default");
  });

  it("follows XDG_CONFIG_HOME and XDG_CACHE_HOME when they are absolute", () => {
    const h = home();
    const xdg = join(root, `xdg${n++}`);
    mkdirSync(join(xdg, "eka"), { recursive: true });
    writeFileSync(join(xdg, "eka", "eka.toml"), '[aliases]\nx = "https://x.example/"\n');
    const s = loadSettings({ HOME: h, XDG_CONFIG_HOME: xdg, XDG_CACHE_HOME: "/var/cache/u" });
    assert.deepEqual(s.configFile, {
      value: join(xdg, "eka", "eka.toml"),
      source: "env",
      from: "XDG_CONFIG_HOME",
    });
    assert.deepEqual(s.cacheDir, {
      value: "/var/cache/u/eka",
      source: "env",
      from: "XDG_CACHE_HOME",
    });
    assert.equal(s.aliases.get("x")?.value, "https://x.example/");
    const relative = loadSettings({ HOME: h, XDG_CONFIG_HOME: "rel", XDG_CACHE_HOME: "rel" });
    assert.equal(relative.configFile.source, "default");
    assert.equal(relative.cacheDir.value, join(h, ".cache", "eka"));
  });

  it("reads aliases and the cache directory from the user file, with their positions", () => {
    const h = home(
      '# mine\n[aliases]\ncompany = "https://git.example.com/atoms"\ngh = "git@github.com:"\n\n[cache]\ndir = "~/cache"\n',
    );
    const s = loadSettings({ HOME: h });
    const file = join(h, ".config", "eka", "eka.toml");
    assert.deepEqual(s.aliases.get("company"), {
      value: "https://git.example.com/atoms",
      source: "file",
      from: `${file}:3:1`,
    });
    assert.deepEqual(s.aliases.get("gh"), {
      value: "git@github.com:",
      source: "file",
      from: `${file}:4:1`,
    });
    assert.deepEqual(s.cacheDir, { value: join(h, "cache"), source: "file", from: `${file}:7:1` });
    const uri = parseAtomUri("gh:o/r::x", aliasTable(s));
    assert.equal(uri.mirror.url, "git@github.com:o/r");
    assert.equal(
      parseAtomUri("company::auth", aliasTable(s)).mirror.url,
      "https://git.example.com/atoms",
    );
  });

  it("resolves a relative cache directory against the file's directory", () => {
    const h = home('[cache]\ndir = "c"\n');
    assert.equal(loadSettings({ HOME: h }).cacheDir.value, join(h, ".config", "eka", "c"));
  });

  it("lets EKA_* variables beat the file and flags beat both", () => {
    const h = home('[cache]\ndir = "/from/file"\n');
    const other = join(root, `other${n++}.toml`);
    writeFileSync(other, '[aliases]\nmine = "https://m.example/"\n');
    const env = {
      HOME: h,
      EKA_CACHE_DIR: "/from/env",
      EKA_CONFIG: other,
      EKA_DEBUG: "1",
      NO_COLOR: "1",
    };
    const s = loadSettings(env);
    assert.deepEqual(s.cacheDir, { value: "/from/env", source: "env", from: "EKA_CACHE_DIR" });
    assert.deepEqual(s.configFile, { value: other, source: "env", from: "EKA_CONFIG" });
    assert.equal(s.aliases.get("mine")?.source, "file");
    assert.deepEqual(s.debug, { value: true, source: "env", from: "EKA_DEBUG" });
    assert.deepEqual(s.color, { value: false, source: "env", from: "NO_COLOR" });
    const f = loadSettings(env, {
      cacheDir: "/from/flag",
      color: true,
      debug: false,
      config: join(h, ".config", "eka", "eka.toml"),
    });
    assert.deepEqual(f.cacheDir, { value: "/from/flag", source: "flag", from: "--cache-dir" });
    assert.deepEqual(f.color, { value: true, source: "flag", from: "--color" });
    assert.deepEqual(f.debug, { value: false, source: "flag", from: "--debug" });
    assert.equal(f.configFile.source, "flag");
    assert.equal(f.aliases.get("mine"), undefined);
  });

  it("keeps the old behaviour of NO_COLOR and EKA_DEBUG", () => {
    const h = home();
    assert.equal(loadSettings({ HOME: h, NO_COLOR: "" }).color.value, true);
    assert.equal(loadSettings({ HOME: h, EKA_DEBUG: "0" }).debug.value, false);
    assert.equal(loadSettings({ HOME: h }, { color: false }).color.from, "--no-color");
  });

  it("reports every problem of the file at once, located", () => {
    const h = home(
      '[aliases]\nhttps = "https://x/"\n"a.b" = "https://x/"\nbad = "ftp://x/"\nnum = 3\nok = "https://ok.example/"\n[cache]\ndirr = "x"\n[extra]\n',
    );
    const file = join(h, ".config", "eka", "eka.toml");
    assert.throws(
      () => loadSettings({ HOME: h }),
      (e: EkaError) => {
        assert.equal(e.code, "EKA_CONFIG_INVALID");
        assert.equal(e.where, `${file}:2:1`);
        const lines = e.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`);
        assert.deepEqual(lines, [
          '2:1 alias "https" is a URL scheme, so it cannot be an alias',
          '3:1 alias "a.b" is not an alias name',
          '4:7 alias "bad" = "ftp://x/": the "ftp" scheme is not allowed',
          '5:7 alias "num" must be a URL prefix in quotes, not an integer',
          '8:1 unknown key "dirr" in [cache]',
          '9:2 unknown key "extra" in the top level',
        ]);
        assert.match(e.diagnostics[4]?.hint ?? "", /did you mean dir\?/);
        assert.ok(e.diagnostics.every((d) => d.file === file));
        return true;
      },
    );
  });

  it("reports TOML syntax errors as configuration errors", () => {
    const h = home("[aliases\n");
    assert.throws(
      () => loadSettings({ HOME: h }),
      (e: EkaError) =>
        e.code === "EKA_CONFIG_INVALID" && /not valid TOML/.test(e.diagnostics[0]?.message ?? ""),
    );
  });

  it("refuses a named file that does not exist, but not a missing default one", () => {
    const h = home();
    assert.throws(
      () => loadSettings({ HOME: h, EKA_CONFIG: join(h, "nope.toml") }),
      (e: EkaError) => e.code === "EKA_CONFIG_INVALID" && /EKA_CONFIG names it/.test(e.hint ?? ""),
    );
    assert.doesNotThrow(() => loadSettings({ HOME: join(h, "missing-home") }));
  });

  it("reads through the reader it is given", () => {
    const seen: string[] = [];
    const s = loadSettings({ HOME: "/nowhere" }, {}, (path) => {
      seen.push(path);
      return '[aliases]\nz = "https://z.example/"\n';
    });
    assert.deepEqual(seen, ["/nowhere/.config/eka/eka.toml"]);
    assert.equal(s.aliases.get("z")?.from, "/nowhere/.config/eka/eka.toml:2:1");
  });
});

describe("loadSettingsOrFallback", () => {
  it("returns the settings without the file, and the error, when the file is invalid", () => {
    const h = home("[aliases]\nx = 1\n");
    const { settings, error } = loadSettingsOrFallback({ HOME: h, NO_COLOR: "1" });
    assert.equal(error?.code, "EKA_CONFIG_INVALID");
    assert.equal(settings.color.value, false);
    assert.equal(settings.aliases.get("x"), undefined);
    assert.equal(loadSettingsOrFallback({ HOME: home() }).error, null);
  });
});

describe("settingRows", () => {
  it("lists every setting with its origin, aliases sorted", () => {
    const h = home('[aliases]\nab = "https://ab.example/"\n');
    const rows = settingRows(loadSettings({ HOME: h, EKA_DEBUG: "1" }));
    assert.deepEqual(
      rows.map((r) => r.key),
      [
        "color",
        "debug",
        "config",
        "cache.dir",
        "aliases.ab",
        "aliases.cb",
        "aliases.gh",
        "aliases.gl",
        "aliases.sr",
        "fetch.connect-timeout",
        "fetch.idle-timeout",
        "fetch.retries",
        "fetch.max-unpacked-size",
        "fetch.ttl",
      ],
    );
    assert.deepEqual(rows[1], { key: "debug", value: true, source: "env", from: "EKA_DEBUG" });
    assert.equal(rows[4]?.source, "file");
  });
});

describe("fetch settings", () => {
  it("have defaults, read [fetch] from the user file and proxies from the environment", () => {
    const plain = fetchLimits(loadSettings({ HOME: home() }));
    assert.equal(plain.idleTimeoutMs, 60_000);
    assert.equal(plain.retries, 3);
    assert.deepEqual(plain.proxy, { noProxy: [] });
    const h = home("[fetch]\nidle-timeout = 5\nretries = 0\nmax-unpacked-size = 1000\nttl = 0\n");
    const s = loadSettings({
      HOME: h,
      https_proxy: "http://proxy.example:3128",
      NO_PROXY: "localhost, .internal.example",
    });
    const limits = fetchLimits(s);
    assert.equal(limits.idleTimeoutMs, 5000);
    assert.equal(limits.retries, 0);
    assert.equal(limits.maxUnpackedBytes, 1000);
    assert.equal(limits.ttlSeconds, 0);
    assert.equal(limits.connectTimeoutMs, 30_000);
    assert.deepEqual(limits.proxy, {
      https: "http://proxy.example:3128",
      noProxy: ["localhost", ".internal.example"],
    });
    assert.equal(s.fetch.retries.from, `${join(h, ".config", "eka", "eka.toml")}:3:1`);
  });

  it("refuses values that are not whole numbers in range, and unknown keys", () => {
    const h = home('[fetch]\nretries = -1\nidle-timeout = "5"\nspeed = 3\n');
    assert.throws(
      () => loadSettings({ HOME: h }),
      (e: EkaError) =>
        e.code === "EKA_CONFIG_INVALID" &&
        e.diagnostics.length === 3 &&
        /fetch.retries must be a whole number ≥ 0/.test(e.diagnostics[0]!.message),
    );
  });
});
