/**
 * Evaluating the demo graph: an app that depends on two atoms of another repository (`button`,
 * with Nix code, and `validator`), published to a bare file:// remote and locked by `eka add`.
 * Figures, each `eka eval -A page` through the real CLI unless said otherwise:
 * - cold: a new eka cache and a new Nix fetcher cache every run (atoms fetched from the mirror
 *   into eka's cache, then by Nix's fetchGit from there);
 * - warm: both caches filled (no git fetch; Nix finds the revs in its own cache);
 * - the library call `evaluateAtom` in this process, warm (the CLI's Node start-up left out);
 * - bare `nix-instantiate` with exactly the arguments and environment eka gives it, warm: Nix's
 *   own share of a warm evaluation.
 * Setup (untimed) runs the real `eka init/new/publish/add`.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { collectingReport } from "../../src/core/index.ts";
import { evaluateAtom, nixEnv, sandboxArgs } from "../../src/eval/index.ts";
import type { BenchContext, BenchResult, Figure } from "../bench-result.ts";
import { measure, speedRatio } from "../measure.ts";
import { benchGitEnv } from "../random-atom.ts";
import { runCommand } from "../run-command.ts";

const EKA = resolve(import.meta.dirname, "../../bin/eka");

function sh(cwd: string, command: string, args: string[], env: NodeJS.ProcessEnv): string {
  const result = spawnSync(command, args, { cwd, env, encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} failed: ${result.stderr}${result.stdout}`);
  }
  return result.stdout;
}

/** The demo graph; returns the app's directory. */
function makeGraph(root: string, env: NodeJS.ProcessEnv): string {
  const remote = join(root, "remote.git");
  sh(root, "git", ["init", "--quiet", "--bare", remote], env);
  const acme = join(root, "acme");
  mkdirSync(acme);
  sh(acme, "git", ["init", "--quiet", "--initial-branch=main"], env);
  sh(acme, "git", ["commit", "--quiet", "--allow-empty", "-m", "first"], env);
  sh(acme, "git", ["remote", "add", "origin", pathToFileURL(remote).href], env);
  sh(acme, EKA, ["init", "--remote", "origin", "-q"], env);
  sh(acme, EKA, ["new", "pkgs/button", "-q"], env);
  sh(acme, EKA, ["new", "pkgs/validator", "--version", "1.0.0", "-q"], env);
  writeFileSync(join(acme, "pkgs/button/mod.nix"), '{ Label = "button"; }\n');
  writeFileSync(join(acme, "pkgs/button/Render.nix"), '"<button>" + cfg.greeting + "</button>"\n');
  writeFileSync(join(acme, "pkgs/validator/mod.nix"), "{ Ok = true; }\n");
  sh(acme, "git", ["add", "--all"], env);
  sh(acme, "git", ["commit", "--quiet", "-m", "atoms"], env);
  sh(acme, EKA, ["publish", "-q"], env);
  const shop = join(root, "shop");
  mkdirSync(shop);
  sh(shop, "git", ["init", "--quiet", "--initial-branch=main"], env);
  sh(shop, "git", ["commit", "--quiet", "--allow-empty", "-m", "first"], env);
  sh(shop, EKA, ["init", "-q"], env);
  sh(shop, EKA, ["new", "app", "-q"], env);
  const app = join(shop, "app");
  const url = pathToFileURL(remote).href;
  sh(app, EKA, ["add", `${url}::button`, `${url}::validator`, "--set", "acme", "-q"], env);
  writeFileSync(join(app, "mod.nix"), "{ }\n");
  writeFileSync(
    join(app, "Page.nix"),
    '"<page>" + deps.acme.button.render + (if deps.acme.validator.ok then "" else "!") + "</page>"\n',
  );
  sh(app, "sh", ["-c", "printf '\\n[nix.config]\\ngreeting = \"hello\"\\n' >> atom.toml"], env);
  return app;
}

export async function run(context: BenchContext): Promise<BenchResult> {
  const root = mkdtempSync(join(tmpdir(), "eka-bench-eval-"));
  try {
    const base: NodeJS.ProcessEnv = { ...benchGitEnv, NO_COLOR: "1" };
    context.log("eval: publishing the demo graph with the real eka…");
    const app = makeGraph(root, base);
    const args = ["eval", "-A", "page"];

    context.log(`eval: timing (${context.runs} runs each, after a warm-up)…`);
    let n = 0;
    const coldEnv = () => {
      n++;
      return {
        ...base,
        EKA_CACHE_DIR: join(root, `cold-${n}/eka`),
        XDG_CACHE_HOME: join(root, `cold-${n}/xdg`),
      };
    };
    const cold = await measure("eka eval, cold (empty eka and Nix caches)", context.runs, () =>
      runCommand(EKA, args, { cwd: app, env: coldEnv() }),
    );
    const warmEnv = {
      ...base,
      EKA_CACHE_DIR: join(root, "warm/eka"),
      XDG_CACHE_HOME: join(root, "warm/xdg"),
    };
    const warm = await measure("eka eval, warm", context.runs, () =>
      runCommand(EKA, args, { cwd: app, env: warmEnv }),
    );
    const library = await measure("evaluateAtom (library, in process), warm", context.runs, () =>
      evaluateAtom({
        cwd: app,
        attr: "page",
        cacheDir: warmEnv.EKA_CACHE_DIR,
        report: collectingReport(),
        env: warmEnv,
      }),
    );
    // The same Nix command eka runs, with the identity eka printed.
    const json = JSON.parse(sh(app, EKA, [...args, "--json"], warmEnv)) as {
      data: {
        id: string;
        label: string;
        version: string;
        value: string;
        config: { digest: string; json: string };
      };
    };
    const d = json.data;
    const cacheUrl = pathToFileURL(join(warmEnv.EKA_CACHE_DIR, "git")).href;
    const nixArgs = [
      "--eval",
      "--strict",
      "--json",
      ...sandboxArgs({
        atomDir: app,
        cwd: app,
        allowedUris: [cacheUrl],
        args: {
          src: app,
          cacheUrl,
          cfgJson: d.config.json,
          configDigest: d.config.digest,
          id: d.id,
          label: d.label,
          version: d.version,
        },
        attr: "page",
        env: warmEnv,
      }),
    ];
    const out = sh(app, "nix-instantiate", nixArgs, nixEnv(warmEnv));
    if (JSON.parse(out) !== d.value) throw new Error(`nix-instantiate gave ${out}, eka ${d.value}`);
    const nix = await measure("nix-instantiate alone (eka's arguments), warm", context.runs, () =>
      runCommand("nix-instantiate", nixArgs, { cwd: app, env: nixEnv(warmEnv) }),
    );
    const startup = await measure("eka --version (the CLI's start-up alone)", context.runs, () =>
      runCommand(EKA, ["--version"], { env: base }),
    );
    const figures: Figure[] = [cold, warm, library, nix, startup];
    return {
      title: "eval: the demo graph (app → button, validator from one mirror)",
      setup:
        "published over file:// and locked by eka add; -A page reads button's Nix code and validator's. " +
        "cold = new EKA_CACHE_DIR and XDG_CACHE_HOME each run. A ratio of nix-instantiate over eka is Nix's share of eka's time.",
      figures,
      ratios: [
        // speedRatio(a, b) = time(b) / time(a): here the share of a's time that b takes.
        {
          label: "Nix's share of eka eval, warm (time nix / time eka)",
          value: speedRatio(warm, nix),
        },
        { label: "Nix's share of evaluateAtom, warm", value: speedRatio(library, nix) },
        { label: "CLI start-up's share of eka eval, warm", value: speedRatio(warm, startup) },
        { label: "eka eval warm over cold (speed)", value: speedRatio(warm, cold) },
      ],
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
