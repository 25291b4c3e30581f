import assert from "node:assert/strict";
import { test } from "node:test";
import { parseRemoteConfig, rewriteUrl, unhonouredHttpSetting } from "./remote-config.ts";

test("parses git config -z --get-regexp output: remotes, insteadOf, ssh and http settings", () => {
  const text = [
    "remote.origin.url\n/srv/origin.git",
    "remote.origin.url\n/srv/second.git",
    "remote.My.Mirror.url\ngh:owner/repo",
    "url.ssh://git@example.com/.insteadof\ngh:",
    "url.https://Example.com/Mirror/.insteadOf\nmirror:",
    "core.sshcommand\nssh -i 'my key'",
    "ssh.variant\nplink",
    "http.postbuffer\n1048576",
    "http.proxy\nhttp://proxy:3128",
    "http.sslverify",
  ].join("\0");
  const config = parseRemoteConfig(`${text}\0`);
  assert.deepEqual(
    [...config.remotes],
    [
      ["origin", "/srv/origin.git"],
      ["My.Mirror", "gh:owner/repo"],
    ],
  );
  assert.deepEqual(config.insteadOf, [
    ["gh:", "ssh://git@example.com/"],
    ["mirror:", "https://Example.com/Mirror/"],
  ]);
  assert.deepEqual(config.ssh, { sshCommand: "ssh -i 'my key'", variant: "plink" });
  assert.deepEqual(config.httpSettings, ["http.proxy", "http.sslverify"]);
  assert.deepEqual(parseRemoteConfig("http.postbuffer\n100\0").httpSettings, []);
  assert.equal(parseRemoteConfig("").remotes.size, 0);
});

test("rewrites with the longest matching insteadOf prefix, once", () => {
  const rules = [
    ["git://example.com/", "https://example.com/"],
    ["git://example.com/private/", "ssh://git@example.com/private/"],
    ["https://example.com/", "never-applied-twice://"],
  ] as const;
  assert.equal(rewriteUrl("git://example.com/a.git", rules), "https://example.com/a.git");
  assert.equal(
    rewriteUrl("git://example.com/private/b.git", rules),
    "ssh://git@example.com/private/b.git",
  );
  assert.equal(rewriteUrl("/srv/c.git", rules), "/srv/c.git");
});

test("TLS settings send https listings to git ls-remote, not http ones", () => {
  const tls = parseRemoteConfig("http.sslcainfo\n/etc/ca.pem\0");
  assert.equal(unhonouredHttpSetting("https", tls, {}), "http.sslcainfo");
  assert.equal(unhonouredHttpSetting("http", tls, {}), null);
  const none = parseRemoteConfig("");
  assert.equal(unhonouredHttpSetting("https", none, { GIT_SSL_CAINFO: "/ca" }), "GIT_SSL_CAINFO");
  assert.equal(unhonouredHttpSetting("http", none, { GIT_SSL_CAINFO: "/ca" }), null);
  assert.equal(unhonouredHttpSetting("http", none, { GIT_CURL_VERBOSE: "1" }), "GIT_CURL_VERBOSE");
  const proxy = parseRemoteConfig("http.proxy\nhttp://p:3128\0");
  assert.equal(unhonouredHttpSetting("http", proxy, {}), "http.proxy");
});

test("a git:// proxy command and a remote's proxy are seen", () => {
  const config = parseRemoteConfig(
    "core.gitproxy\nmy-proxy\0remote.origin.proxy\nhttp://proxy:3128\0remote.origin.url\ngit://h/r\0",
  );
  assert.equal(config.gitProxy, true);
  assert.equal(unhonouredHttpSetting("http", config, {}), "remote.origin.proxy");
  assert.equal(config.remotes.get("origin"), "git://h/r");
  assert.equal(parseRemoteConfig("remote.origin.url\ngit://h/r\0").gitProxy, false);
});
