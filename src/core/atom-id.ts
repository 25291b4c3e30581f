/**
 * Atom ids (protocol.md §3):
 * `base32hex(BLAKE3.keyed_hash(BLAKE3.derive_key("AtomId", raw set id bytes), UTF-8 label))`.
 */
import { blake3 } from "@noble/hashes/blake3.js";
import { digestTextProblem, isDigestText } from "./b3-digest.ts";
import { encodeBase32Hex } from "./base32hex.ts";
import { EkaError } from "./errors.ts";
import { setIdBytes } from "./set-id.ts";
import { showText } from "./show-text.ts";
import type { AtomId, Label, SetId } from "./types.ts";

/** The BLAKE3 key-derivation context string for atom ids. */
export const ATOM_ID_CONTEXT = "AtomId";

const encoder = new TextEncoder();
const CONTEXT_BYTES = encoder.encode(ATOM_ID_CONTEXT);

/** `BLAKE3.derive_key("AtomId", raw bytes of the set id)`: the 32-byte key of a set. */
export function deriveAtomKey(setId: SetId): Uint8Array {
  return blake3(setIdBytes(setId), { context: CONTEXT_BYTES });
}

/** `BLAKE3.keyed_hash(key, UTF-8 of the label)`: the 32 raw bytes of an atom id. */
export function atomIdDigest(key: Uint8Array, label: Label): Uint8Array {
  return blake3(encoder.encode(label), { key });
}

/**
 * Ids already computed, by set id and label: a cold resolve needs each dependency's id for the
 * lock, and writing the lock checks every id again (twice with the up-to-date check), ~0.2 ms of
 * BLAKE3 each.
 */
const known = new Map<string, AtomId>();

/** The id of the atom `label` in the set `setId`. */
export function atomId(setId: SetId, label: Label): AtomId {
  const key = `${setId}\u0000${label}`;
  let id = known.get(key);
  if (id === undefined) {
    id = encodeBase32Hex(atomIdDigest(deriveAtomKey(setId), label)) as AtomId;
    if (known.size > 10_000) known.clear();
    known.set(key, id);
  }
  return id;
}

export function parseAtomId(text: string, where?: string): AtomId {
  if (isDigestText(text)) return text as AtomId;
  throw new EkaError(
    "EKA_ID_INVALID",
    `not an atom id: ${showText(text)}: ${digestTextProblem(text)}`,
    {
      ...(where === undefined ? {} : { where }),
      hint: "an atom id is 52 lowercase base32hex characters (0-9, a-v), as eka prints it",
    },
  );
}
