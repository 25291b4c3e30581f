/**
 * How a listing fails inside this folder, before `ref-lister.ts` turns it into an `EkaError` that
 * names the (redacted) remote:
 *
 * - `NotV2Error`: the remote or the transport is one this client does not speak (a server that
 *   answers in protocol v0/v1, a dumb HTTP server, an authentication scheme other than Basic, a
 *   URL form git understands and this client does not). The caller falls back to `git ls-remote`.
 * - `RemoteError`: the remote answered and refused (`ERR` packet, HTTP 404, missing repository,
 *   no credentials): reported, never retried another way.
 * - `ProtocolError` (pkt-line.ts): the remote broke the protocol.
 */

export class NotV2Error extends Error {
  override readonly name = "NotV2Error";
}

export type RemoteFailure = "refused" | "auth" | "not-found" | "connect" | "redirect";

export class RemoteError extends Error {
  override readonly name = "RemoteError";
  readonly reason: RemoteFailure;

  constructor(reason: RemoteFailure, message: string) {
    super(message);
    this.reason = reason;
  }
}

export { ProtocolError } from "./pkt-line.ts";
