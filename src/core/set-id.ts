/** Set ids (protocol.md §2): the object id of the init commit, 40 or 64 lowercase hex. */
import { hexToBytes } from "@noble/hashes/utils.js";
import { EkaError } from "./errors.ts";
import { showText } from "./show-text.ts";
import type { SetId } from "./types.ts";

const HEX = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

export function parseSetId(text: string, where?: string): SetId {
  if (HEX.test(text)) return text as SetId;
  throw new EkaError("EKA_ID_INVALID", `not a set id: ${showText(text)}`, {
    ...(where === undefined ? {} : { where }),
    hint: "a set id is the object id of the set's init commit: 40 (SHA-1) or 64 (SHA-256) lowercase hex characters",
  });
}

/** The raw bytes a set id encodes: 20 for SHA-1 repositories, 32 for SHA-256. */
export function setIdBytes(id: SetId): Uint8Array {
  return hexToBytes(id);
}
