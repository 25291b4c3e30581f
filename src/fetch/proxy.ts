/**
 * Which proxy a download goes through (the `http_proxy`/`https_proxy`/`no_proxy` convention that
 * curl follows), and the two ways of going through one: an absolute-URI request for http://,
 * a `CONNECT` tunnel with TLS inside for https://.
 */
import { request as httpRequest, type IncomingMessage } from "node:http";
import { isIP, type Socket } from "node:net";
import { type TLSSocket, connect as tlsConnect } from "node:tls";
import type { ProxySettings } from "../config/index.ts";

/** The proxy for `url`, or undefined to connect directly. */
export function proxyFor(url: URL, proxy: ProxySettings): URL | undefined {
  const setting = url.protocol === "https:" ? proxy.https : proxy.http;
  if (setting === undefined) return undefined;
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, "");
  for (const entry of proxy.noProxy) {
    if (entry === "*") return undefined;
    const name = entry.replace(/^\*?\./, "").replace(/:\d+$/, "");
    if (host === name || host.endsWith(`.${name}`)) return undefined;
  }
  return new URL(setting.includes("://") ? setting : `http://${setting}`);
}

/** `Proxy-Authorization` for a proxy URL that carries credentials. */
export function proxyAuthorization(proxy: URL): Record<string, string> {
  if (proxy.username === "") return {};
  const user = decodeURIComponent(proxy.username);
  const password = decodeURIComponent(proxy.password);
  return {
    "proxy-authorization": `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`,
  };
}

/**
 * Opens a TLS connection to `target` through `proxy` with `CONNECT`. Rejects when the proxy
 * refuses (its status in the message) or the connection fails.
 */
export function tunnel(proxy: URL, target: URL, connectTimeoutMs: number): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const authority = `${target.hostname}:${target.port === "" ? 443 : target.port}`;
    const req = httpRequest({
      host: proxy.hostname,
      port: proxy.port === "" ? 80 : Number(proxy.port),
      method: "CONNECT",
      path: authority,
      headers: { host: authority, ...proxyAuthorization(proxy) },
      timeout: connectTimeoutMs,
    });
    req.once("timeout", () => req.destroy(new Error(`proxy ${proxy.host} did not answer`)));
    req.once("error", reject);
    req.once("connect", (res: IncomingMessage, socket: Socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        reject(new Error(`proxy ${proxy.host} refused CONNECT ${authority}: ${res.statusCode}`));
        return;
      }
      // The certificate is checked against `host`; SNI carries names, never addresses.
      const host = target.hostname.replace(/^\[|\]$/g, "");
      const secure = tlsConnect({
        socket,
        host,
        ...(isIP(host) === 0 ? { servername: host } : {}),
      });
      secure.once("secureConnect", () => resolve(secure));
      secure.once("error", reject);
    });
    req.end();
  });
}
