import assert from "node:assert/strict";
import { test } from "node:test";
import { checkRemoteUrl, redactText, redactUrl, transportOf } from "./transport.ts";

test("classifies the transports git would use", () => {
  const cases: [string, string][] = [
    ["/srv/git/atoms.git", "local"],
    ["./relative/repo", "local"],
    ["../repo", "local"],
    ["repo", "local"],
    ["dir/with:colon", "local"],
    ["file:///srv/git/atoms.git", "file"],
    ["git://example.com/atoms.git", "git"],
    ["ssh://git@example.com:2222/atoms.git", "ssh"],
    ["git+ssh://example.com/atoms.git", "ssh"],
    ["SSH://example.com/atoms.git", "ssh"],
    ["git@github.com:owner/repo.git", "ssh"],
    ["example.com:repo", "ssh"],
    ["[::1]:repo", "ssh"],
    ["git@[::1]:repo", "ssh"],
    ["http://example.com/atoms", "http"],
    ["https://user:pass@example.com/atoms", "https"],
  ];
  for (const [url, kind] of cases) assert.equal(transportOf(url), kind, url);
});

test("refuses helpers, other schemes and option-like values", () => {
  for (const url of [
    "ext::sh -c touch% /tmp/pwned",
    "fd::1",
    "fd::0,1/x",
    "foo::bar",
    "file::/x",
    "-",
    "--upload-pack=touch /tmp/pwned",
    "-oProxyCommand=x",
    "ftp://example.com/x",
    "ftps://example.com/x",
    "persistent-https://example.com/x",
    "ssh://-oProxyCommand=x/repo",
    "ssh://-user@host/repo",
    "-host:repo",
    "-user@host:repo",
    "user@-host:repo",
  ]) {
    assert.throws(() => checkRemoteUrl(url), { code: "EKA_TRANSPORT_REFUSED" }, url);
  }
  for (const url of ["", "   ", "/path/with\nnewline", "https://x/\0"]) {
    assert.throws(() => checkRemoteUrl(url), { code: "EKA_REMOTE_INVALID" }, JSON.stringify(url));
  }
});

test("refusal messages never show credentials", () => {
  try {
    checkRemoteUrl("ftp://user:hunter2@example.com/x");
    assert.fail("should refuse");
  } catch (error) {
    assert.doesNotMatch(String((error as Error).message), /hunter2/);
  }
});

test("redacts credentials from URLs and text", () => {
  assert.equal(redactUrl("https://user:secret@example.com/x.git"), "https://example.com/x.git");
  assert.equal(redactUrl("https://ghp_token@example.com/x.git"), "https://example.com/x.git");
  assert.equal(redactUrl("ssh://git:pw@example.com/x.git"), "ssh://git@example.com/x.git");
  assert.equal(redactUrl("ssh://git@example.com/x.git"), "ssh://git@example.com/x.git");
  assert.equal(redactUrl("git@example.com:x.git"), "git@example.com:x.git");
  assert.equal(redactUrl("/local/path"), "/local/path");
  assert.equal(
    redactText("fatal: unable to access 'https://u:p@h.example/r/': refused\nhttp://a@b/c"),
    "fatal: unable to access 'https://h.example/r/': refused\nhttp://b/c",
  );
});
