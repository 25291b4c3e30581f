import assert from "node:assert/strict";
import { test } from "node:test";
import { nixError, nixLocations, nixMessage } from "./nix-error.ts";

const ctx = { atomDir: "/w/app", nixDir: "/eka/nix", cwd: "/w" };

// Shapes as Nix 2.8 prints them with --show-trace.
const MISSING = `error: attribute 'helper' missing

       at /w/app/nix/AtomPrivate.nix:1:1:

            1| atom.helper
             | ^

       … while evaluating 'read'

       at /eka/nix/atom-nix/default.nix:72:14:

           71|         };
`;

test("the atom's own file and line are blamed, not atom-nix's", () => {
  assert.deepEqual(nixLocations(MISSING), [
    { file: "/w/app/nix/AtomPrivate.nix", line: 1, column: 1 },
    { file: "/eka/nix/atom-nix/default.nix", line: 72, column: 14 },
  ]);
  const error = nixError("EKA_EVAL_FAILED", MISSING, ctx);
  assert.equal(error.message, "attribute 'helper' missing");
  assert.equal(error.where, "app/nix/AtomPrivate.nix:1:1");
  assert.match(error.hint ?? "", /capital letter are public/);
});

test("a trace that starts in atom-nix still blames the first frame in the atom", () => {
  const stderr = `error: eka: <nixpkgs> lookups are not available in atom modules: use deps.nix.<name>

       … while evaluating 'findFile'

       at /eka/nix/atom-nix/scope.nix:63:17:

       … from call site

       at /w/app/Bad.nix:1:8:
`;
  const error = nixError("EKA_EVAL_FAILED", stderr, ctx);
  assert.equal(error.where, "app/Bad.nix:1:8");
  assert.match(error.hint ?? "", /mod, pre, atom, std, cfg and deps/);
});

test("a value that throws without a position is placed at the file atom-nix names", () => {
  const stderr =
    "error: eka: builtins.currentSystem is not available in atom modules: read cfg.system (in /w/app/System.nix)\n\n       at /eka/nix/atom-nix/scope.nix:31:5:\n";
  assert.equal(nixError("EKA_EVAL_FAILED", stderr, ctx).where, "app/System.nix");
});

test("warnings that mention error: are not the error; build failures get their own hint", () => {
  const stderr = [
    "warning: error: unable to download 'https://cache.nixos.org/nix-cache-info': Couldn't resolve host name (6); retrying in 298 ms",
    "this derivation will be built:",
    "  /nix/store/2mrnp5l7y3il74c597zfqarngylss32j-hello.drv",
    "error: builder for '/nix/store/2mrnp5l7y3il74c597zfqarngylss32j-hello.drv' failed with exit code 2",
    "",
  ].join("\n");
  assert.equal(
    nixMessage(stderr),
    "builder for '/nix/store/2mrnp5l7y3il74c597zfqarngylss32j-hello.drv' failed with exit code 2",
  );
  const error = nixError("EKA_BUILD_FAILED", stderr, ctx);
  assert.equal(error.code, "EKA_BUILD_FAILED");
  assert.equal(error.where, undefined);
  assert.match(error.hint ?? "", /the build itself failed/);
});

test("restricted-mode refusals point at [deps.direct.nix]", () => {
  const error = nixError(
    "EKA_EVAL_FAILED",
    "error: access to absolute path '/etc/passwd' is forbidden in restricted mode\n\n       at /w/app/ReadPasswd.nix:1:1:\n",
    ctx,
  );
  assert.equal(error.where, "app/ReadPasswd.nix:1:1");
  assert.match(error.hint ?? "", /\[deps\.direct\.nix\]/);
});
