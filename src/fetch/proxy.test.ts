import assert from "node:assert/strict";
import { test } from "node:test";
import { proxyAuthorization, proxyFor } from "./proxy.ts";
import { redactUrl } from "./redact-url.ts";

test("proxyFor picks the proxy by scheme and honours no_proxy like curl", () => {
  const proxy = {
    http: "proxy.example:3128",
    https: "http://secure-proxy.example:8080",
    noProxy: ["localhost", ".internal.example", "example.org:8443"],
  };
  assert.equal(proxyFor(new URL("http://a.example/x"), proxy)?.href, "http://proxy.example:3128/");
  assert.equal(
    proxyFor(new URL("https://a.example/x"), proxy)?.href,
    "http://secure-proxy.example:8080/",
  );
  for (const direct of [
    "http://localhost:8000/x",
    "https://git.internal.example/x",
    "https://internal.example/x",
    "https://example.org/x",
    "https://sub.example.org/x",
  ]) {
    assert.equal(proxyFor(new URL(direct), proxy), undefined, direct);
  }
  assert.equal(
    proxyFor(new URL("https://notinternal.example/x"), proxy)?.host,
    "secure-proxy.example:8080",
  );
  assert.equal(proxyFor(new URL("https://a.example/"), { ...proxy, noProxy: ["*"] }), undefined);
  assert.equal(proxyFor(new URL("https://a.example/"), { noProxy: [] }), undefined);
});

test("proxy credentials become Proxy-Authorization; URLs in messages hide credentials", () => {
  assert.deepEqual(proxyAuthorization(new URL("http://me:p%40ss@proxy.example:3128")), {
    "proxy-authorization": `Basic ${btoa("me:p@ss")}`,
  });
  assert.deepEqual(proxyAuthorization(new URL("http://proxy.example:3128")), {});
  assert.equal(
    redactUrl("https://me:secret@host.example/a.tar.gz"),
    "https://***@host.example/a.tar.gz",
  );
  assert.equal(redactUrl("https://token@host.example/a"), "https://***@host.example/a");
  assert.equal(redactUrl("https://host.example/a?x=1"), "https://host.example/a?x=1");
  assert.equal(redactUrl("not a url://me:pw@x"), "not a url://***@x");
});
