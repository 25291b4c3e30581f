import { defineCommand, flag, stringOption } from "../command.ts";
import { fetchSettings } from "./fetch-settings.ts";
import { renderChanges } from "./render-changes.ts";

export const addCommand = defineCommand({
  name: "add",
  summary: "add dependencies: resolve, then write atom.toml and atom.lock together",
  usage:
    "eka add <uri>… [--set NAME] [--json]\n" +
    "       eka add --nix NAME URL [--git [REF|REQ]] [--tar] [--build [--unpack] [--exec]] [--json]",
  description: [
    "Each argument is an atom URI, <mirror>::<label>[@<requirement>] (a URL, an scp-like",
    "user@host:path, an alias such as gh:owner/repo, a path, or nothing for this repository),",
    "or, with --set, just <label>[@<requirement>] from a set atom.toml already declares.",
    "Aliases are expanded before anything is written. Everything is resolved first; then",
    "the set is declared in [package.sets] when new (named by --set, else after the mirror's",
    "last path component), each dependency is written to [deps.from.<set>] (without a",
    "requirement: ^<newest release>), and atom.lock is updated. If anything fails, nothing",
    "is written.",
    "",
    "With --nix NAME, the one argument is the URL of a direct (non-atom) dependency, added",
    "to [deps.direct.nix] and locked the same way. The URL may use an alias (gh:owner/repo)",
    "and end in ^^REF for a git ref (gh:NixOS/nixpkgs^^nixos-unstable). Its kind:",
    "  --git          a git repository at its default branch (written as that branch's name);",
    "  --git REF|REQ  at a branch or tag, or, when REQ parses as a version requirement",
    "                 (^1.2, 1.2, >=1.2, <2, *), at the highest semver tag it allows (v prefix",
    "                 allowed); ^^REF is always a ref (^^1.2.0 for a tag named 1.2.0);",
    "  --tar          an archive, unpacked at evaluation time (the NAR hash of the tree);",
    "  --build        a file fetched at build time (flat hash; --unpack: an archive,",
    "                 unpacked; --exec: made executable);",
    "  none           inferred from the URL: ^^REF, git:// or ssh, an alias, a path ending",
    "                 in .git or a local directory: git; .tar, .tar.gz, .tgz, .tar.xz, .txz,",
    "                 .tar.bz2, .tbz, .tbz2, .tar.zst, .tzst, .zip: tar; anything else: url",
    "                 (one file, flat hash, at evaluation time).",
  ].join("\n"),
  options: {
    set: {
      type: "string",
      value: "NAME",
      description: "the set to add to, or to declare for the URI's mirror",
    },
    nix: {
      type: "string",
      value: "NAME",
      description: "add the direct dependency NAME = URL to [deps.direct.nix]",
    },
    git: {
      type: "boolean",
      description: "with --nix: a git repository (a REF or REQ may follow the URL)",
    },
    tar: { type: "boolean", description: "with --nix: an archive unpacked at evaluation time" },
    build: { type: "boolean", description: "with --nix: a file fetched at build time" },
    unpack: { type: "boolean", description: "with --build: unpack the archive" },
    exec: { type: "boolean", description: "with --build: make the file executable" },
  },
  positionals: [1, Number.POSITIVE_INFINITY],
  examples: [
    "eka add gh:acme/atoms::auth-service@^1.5",
    "eka add https://git.example.com/atoms.git::button --set company",
    "eka add auth-service@~1.5.2 --set company",
    "eka add ../shared::validator ::local-helper --json",
    "eka add --nix nixpkgs gh:NixOS/nixpkgs^^nixos-unstable",
    "eka add --nix lib https://git.example.com/lib.git --git ^1.2",
    "eka add --nix src https://example.com/src-1.0.tar.gz",
    "eka add --nix tool https://example.com/tool --build --exec",
  ],
  async run(ctx, args) {
    const set = stringOption(args, "set");
    const [{ aliasTable, loadSettings }, { addDeps, stampDir }, fetch] = await Promise.all([
      import("../../config/index.ts"),
      import("../../resolve/index.ts"),
      fetchSettings(ctx.env),
    ]);
    const nixName = stringOption(args, "nix");
    const kindFlags = ["git", "tar", "build", "unpack", "exec"].filter((f) => flag(args, f));
    if (nixName !== undefined || kindFlags.length > 0) {
      const { EkaError } = await import("../../core/errors.ts");
      const usage = (message: string, hint: string) =>
        new EkaError("EKA_USAGE", message, { hint, data: { command: "add" } });
      if (nixName === undefined) {
        throw usage(
          `${kindFlags.map((f) => `--${f}`).join(", ")} ${kindFlags.length === 1 ? "goes" : "go"} only with --nix NAME`,
          "eka add --nix NAME URL [--git [REF|REQ]] [--tar] [--build [--unpack] [--exec]]",
        );
      }
      const [url, ref, ...more] = args.positionals;
      if (url !== undefined && ref !== undefined && !/[:/]/.test(url) && /[:/]/.test(ref)) {
        throw usage(
          `the URL comes first: eka add --nix ${nixName} ${ref} --git ${url}`,
          "with --nix, the arguments are URL then (after --git) REF or REQ",
        );
      }
      if (url === undefined || more.length > 0 || (ref !== undefined && !flag(args, "git"))) {
        throw usage(
          `--nix ${nixName} takes one URL${ref !== undefined && more.length === 0 ? " (and a REF or REQ only with --git)" : ""}`,
          "eka add --nix NAME URL [--git [REF|REQ]] [--tar] [--build [--unpack] [--exec]]",
        );
      }
      return addDeps({
        cwd: ctx.cwd,
        uris: [],
        aliases: aliasTable(loadSettings(ctx.env)),
        report: ctx.report,
        fetch,
        stampRoot: stampDir(ctx.env),
        nix: {
          name: nixName,
          url,
          ...(flag(args, "git") ? { git: ref ?? true } : {}),
          tar: flag(args, "tar"),
          build: flag(args, "build"),
          unpack: flag(args, "unpack"),
          exec: flag(args, "exec"),
        },
        ...(set === undefined ? {} : { set }),
      });
    }
    return addDeps({
      cwd: ctx.cwd,
      uris: args.positionals,
      aliases: aliasTable(loadSettings(ctx.env)),
      report: ctx.report,
      fetch,
      stampRoot: stampDir(ctx.env),
      ...(set === undefined ? {} : { set }),
    });
  },
  render(result) {
    const lines: string[] = [];
    for (const set of result.sets)
      lines.push(`declared set ${set.name} = ${set.mirrors.join(", ")}`);
    for (const pin of result.pins) {
      const entry = Object.entries(pin.entry)
        .map(([k, v]) => `${k} = ${JSON.stringify(v)}`)
        .join(", ");
      lines.push(`added ${pin.name} = { ${entry} } (locked ${pin.lockedAs})`);
    }
    for (const dep of result.added) {
      lines.push(
        `added ${dep.label} = "${dep.requirement}" from ${dep.set} (locked ${dep.version})`,
      );
    }
    lines.push(
      ...renderChanges(
        result.changes.filter(
          (c) =>
            !result.added.some((a) => a.label === c.name && c.kind === "added") &&
            !result.pins.some((p) => p.name === c.name && c.kind === "added"),
        ),
      ),
    );
    if (!result.written) lines.push("atom.toml and atom.lock already had these dependencies");
    return lines;
  },
});
