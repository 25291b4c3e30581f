import assert from "node:assert/strict";
import { test } from "node:test";
import {
  shellQuote,
  splitCommandLine,
  sshArguments,
  sshProbeArguments,
  sshProgram,
  sshSpawnLine,
  uploadPackCommand,
} from "./ssh-command.ts";
import { parseHostUrl, parseScpLike, percentDecode } from "./url-parts.ts";

const NONE = { sshCommand: null, variant: null };

test("the ssh program: GIT_SSH_COMMAND, then core.sshCommand, then GIT_SSH, then ssh", () => {
  assert.deepEqual(
    sshProgram({ GIT_SSH_COMMAND: "ssh -i key" }, { ...NONE, sshCommand: "other" }),
    {
      command: "ssh -i key",
      shell: true,
      variant: "ssh",
    },
  );
  assert.deepEqual(sshProgram({}, { ...NONE, sshCommand: "/opt/bin/plink -v" }), {
    command: "/opt/bin/plink -v",
    shell: true,
    variant: "plink",
  });
  assert.deepEqual(sshProgram({ GIT_SSH: "/usr/bin/my-ssh" }, NONE), {
    command: "/usr/bin/my-ssh",
    shell: false,
    variant: "auto",
  });
  assert.deepEqual(sshProgram({}, NONE), { command: "ssh", shell: false, variant: "ssh" });
  // The variant: GIT_SSH_VARIANT, then ssh.variant; an unknown value means OpenSSH.
  assert.equal(
    sshProgram({ GIT_SSH_VARIANT: "simple" }, { ...NONE, variant: "plink" }).variant,
    "simple",
  );
  assert.equal(sshProgram({}, { ...NONE, variant: "putty" }).variant, "putty");
  assert.equal(sshProgram({}, { ...NONE, variant: "whatever" }).variant, "ssh");
});

test("arguments per variant, as git passes them", () => {
  const target = parseHostUrl("ssh://git@example.com:2222/srv/repo.git");
  const command = uploadPackCommand(target.path);
  assert.equal(command, "git-upload-pack '/srv/repo.git'");
  assert.deepEqual(sshArguments("ssh", target, command), [
    "-o",
    "SendEnv=GIT_PROTOCOL",
    "-p",
    "2222",
    "git@example.com",
    command,
  ]);
  assert.deepEqual(sshArguments("plink", target, command), [
    "-P",
    "2222",
    "git@example.com",
    command,
  ]);
  assert.deepEqual(sshArguments("tortoiseplink", target, command), [
    "-batch",
    "-P",
    "2222",
    "git@example.com",
    command,
  ]);
  assert.throws(() => sshArguments("simple", target, command), /cannot set a port/);
  assert.deepEqual(sshProbeArguments(target), [
    "-G",
    "-o",
    "SendEnv=GIT_PROTOCOL",
    "-p",
    "2222",
    "git@example.com",
  ]);
  const [file, args] = sshSpawnLine({ command: "ssh -F cfg", shell: true, variant: "ssh" }, [
    "h",
    "c",
  ]);
  assert.deepEqual([file, args], ["sh", ["-c", 'ssh -F cfg "$@"', "ssh -F cfg", "h", "c"]]);
});

test("quoting and splitting as git's sq_quote and split_cmdline", () => {
  assert.equal(shellQuote("it's!"), "'it'\\''s'\\!''");
  assert.deepEqual(splitCommandLine(`ssh -o 'Opt=a b' "x\\"y" plain`), [
    "ssh",
    "-o",
    "Opt=a b",
    'x"y',
    "plain",
  ]);
  assert.equal(splitCommandLine("ssh 'open"), null);
});

test("URL parts: percent-decoding, ports, IPv6, home paths, scp-like forms", () => {
  assert.equal(percentDecode("a%20b%2Fc+d"), "a b/c+d");
  assert.deepEqual(parseHostUrl("git://[::1]:9419/~user/repo"), {
    user: null,
    host: "::1",
    hostAndPort: "[::1]:9419",
    port: "9419",
    path: "~user/repo",
  });
  assert.deepEqual(parseHostUrl("ssh://a%40b@host/p%20q"), {
    user: "a@b",
    host: "host",
    hostAndPort: "host",
    port: null,
    path: "/p q",
  });
  assert.deepEqual(parseScpLike("git@example.com:owner/repo.git"), {
    user: "git",
    host: "example.com",
    hostAndPort: "example.com",
    port: null,
    path: "owner/repo.git",
  });
  assert.throws(() => parseScpLike("[::1]:repo"), /not handled/);
});
