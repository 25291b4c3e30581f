import assert from "node:assert/strict";
import { test } from "node:test";
import {
  atomId,
  formatLock,
  type Lock,
  type LockedAtom,
  parseAtomManifest,
  parseLock,
  type Version,
} from "../core/index.ts";
import { lockIfUpToDate, planLock, planSync, requestKey, withVersion } from "./plan-lock.ts";
import { requestsOf } from "./requests.ts";

const SET_A = "a".repeat(40);
const SET_B = "b".repeat(40);
const MIRROR_A = "https://a.example/atoms";
const MIRROR_B = "https://b.example/atoms";

function atom(set: string, label: string, version: string): LockedAtom {
  return {
    type: "atom",
    label,
    version,
    set,
    rev: `${version.replaceAll(".", "")}`.padEnd(40, "c"),
    id: atomId(set as never, label as never),
    content: "0".repeat(52),
  } as unknown as LockedAtom;
}

function manifest(body: string) {
  const m = parseAtomManifest(
    `[package]\nlabel = "app"\nversion = "0.1.0"\n\n[package.sets]\na = "${MIRROR_A}"\nb = "${MIRROR_B}"\n\n${body}`,
  );
  return { m, requests: requestsOf(m) };
}

const LOCK: Lock = parseLock(
  formatLock({
    version: 1,
    sets: [
      { id: SET_A, name: "a", mirrors: [MIRROR_A] },
      { id: SET_B, name: "b", mirrors: [MIRROR_B] },
    ] as never,
    deps: [atom(SET_A, "auth", "1.5.1"), atom(SET_A, "log", "0.3.0"), atom(SET_B, "ui", "2.0.0")],
  }),
);

test("entries that still satisfy their request are kept; others are pending; unrequested ones are pruned", () => {
  const { m, requests } = manifest('[deps.from.a]\nauth = "^1.5"\nlog = "^0.4"\n');
  const plan = planLock(m, requests, LOCK);
  assert.deepEqual(
    plan.kept.map((d) => (d.type === "atom" ? `${d.label}@${d.version}` : d.name)),
    ["auth@1.5.1"],
  );
  assert.deepEqual(
    plan.pending.map((p) => requestKey(p.request)),
    ["a/log"],
  );
  assert.deepEqual(
    plan.pruned.map((d) => (d.type === "atom" ? d.label : d.name)),
    ["ui"],
  );
});

test("forcing re-resolves; a set whose mirrors changed re-checks its entries against the listing", () => {
  const { m, requests } = manifest('[deps.from.a]\nauth = "^1.5"\n\n[deps.from.b]\nui = "2"\n');
  const forced = planLock(m, requests, LOCK, (r) => r.type === "atom" && r.label === "auth");
  assert.deepEqual(
    forced.pending.map((p) => [requestKey(p.request), p.prefer === undefined]),
    [["a/auth", true]],
  );
  const moved = manifest('[deps.from.a]\nauth = "^1.5"\n').m;
  const changed = {
    ...moved,
    sets: moved.sets.map((s) => ({ ...s, mirrors: ["https://c.example/x"] })),
  };
  const plan = planLock(changed, requestsOf(moved), LOCK);
  assert.equal(plan.pending[0]?.prefer?.version, "1.5.1");
});

test("lockIfUpToDate: the canonical lock text for exactly the manifest's deps, else null", () => {
  const all = manifest('[deps.from.a]\nauth = "^1"\nlog = "*"\n\n[deps.from.b]\nui = "^2"\n');
  const text = formatLock(LOCK);
  assert.notEqual(lockIfUpToDate(all.m, all.requests, LOCK, text), null);
  assert.equal(lockIfUpToDate(all.m, all.requests, LOCK, `${text}\n`), null, "not canonical bytes");
  const fewer = manifest('[deps.from.a]\nauth = "^1"\n');
  assert.equal(lockIfUpToDate(fewer.m, fewer.requests, LOCK, text), null, "an entry to prune");
  const more = manifest(
    '[deps.from.a]\nauth = "^1"\nlog = "*"\nnew = "*"\n\n[deps.from.b]\nui = "^2"\n',
  );
  assert.equal(lockIfUpToDate(more.m, more.requests, LOCK, text), null, "a request to resolve");
  assert.equal(lockIfUpToDate(all.m, all.requests, null, null), null);
});

test("direct dependencies: read by shape, every problem reported at once with its position", () => {
  const { requests } = manifest(
    '[deps.direct.nix]\na = { git = "https://x.example/a", ref = "main" }\nb = { git = "https://x.example/b", version = "^1.2" }\nc = { url = "https://x.example/c" }\nd = { tar = "https://x.example/d.tar.gz" }\ne = { build = "https://x.example/e", exec = true }\n',
  );
  assert.deepEqual(
    requests.map((r) => [r.type, r.type === "atom" ? r.label : r.name]),
    [
      ["nix+git", "a"],
      ["nix+git", "b"],
      ["nix+url", "c"],
      ["nix+tar", "d"],
      ["nix+build", "e"],
    ],
  );
  const bad = parseAtomManifest(
    '[package]\nlabel = "app"\nversion = "0.1.0"\n\n[deps.direct.nix]\na = { git = "https://x.example/a" }\nb = { git = "https://x.example/b", version = "^^1" }\nc = { nothing = 1 }\n',
  );
  assert.throws(
    () => requestsOf(bad),
    (error: { code: string; diagnostics: { line: number }[] }) =>
      error.code === "EKA_MANIFEST_INVALID" &&
      error.diagnostics.map((d) => d.line).join(",") === "6,7,8",
  );
});

test("{version} in a download URL: filled from the kept atom, or pending until the atom is resolved", () => {
  const body = (req: string) =>
    `[deps.from.a]\nauth = "${req}"\n\n[deps.direct.nix]\ndocs = { url = "https://x.example/auth-{version}.txt", version = "from.a.auth" }\n`;
  const kept = manifest(body("^1.5"));
  const url = (version: string) => `https://x.example/auth-${version}.txt`;
  const lock = parseLock(
    formatLock({
      ...LOCK,
      deps: [
        ...LOCK.deps,
        {
          type: "nix+url",
          name: "docs",
          url: url("1.5.1"),
          hash: `sha256-${"A".repeat(43)}=`,
        } as never,
      ],
    }),
  );
  const plan = planSync(kept.m, kept.requests, lock);
  assert.deepEqual(plan.pending, []);
  assert.ok(plan.kept.some((d) => d.type === "nix+url" && d.url === url("1.5.1")));
  const moved = manifest(body("^2"));
  const pending = planSync(moved.m, moved.requests, lock).pending.map((p) => p.request);
  assert.deepEqual(
    pending.map((r) => [r.type, r.type === "atom" ? r.label : r.url]),
    [
      ["atom", "auth"],
      ["nix+url", "https://x.example/auth-{version}.txt"],
    ],
  );
  const filled = withVersion(pending[1]!, new Map([["a/auth", "2.0.0" as Version]]));
  assert.equal(filled?.type === "nix+url" ? filled.url : null, url("2.0.0"));
  assert.throws(
    () =>
      requestsOf(
        parseAtomManifest(
          '[package]\nlabel = "app"\nversion = "0.1.0"\n\n[deps.direct.nix]\nd = { url = "https://x.example/{version}", version = "from.a.nope" }\n',
        ),
      ),
    (error: { diagnostics: { message: string }[] }) =>
      /must name an atom dependency/.test(error.diagnostics[0]?.message ?? ""),
  );
});
