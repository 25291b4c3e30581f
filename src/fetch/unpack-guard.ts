/**
 * What keeps an unpacked archive inside its own tree and within its size limit (the rules that
 * keep an unpack to disk inside its target directory). Entry names are handled as bytes ("binary
 * strings": one char per byte, as `latin1` reads them), so names that are not UTF-8 are kept (and
 * hashed) exactly as the archive spells them.
 *
 * Refused, with `EKA_ARCHIVE_INVALID` naming the entry: an absolute name, a `..` component, an
 * entry written through a symlink of the archive, a hard link to anything but a regular file
 * of the archive, a symlink whose target (absolute, or relative and followed through the other
 * links of the archive) leaves the directory, devices and fifos, a name component over 255 bytes
 * or a path over 4096 (as a file system would), and more bytes than the limit allows (each entry
 * counted at 512 bytes plus its name, a hard link at its file's size).
 */
import { EkaError } from "../core/index.ts";

/** Where the archive's symlinks are once unpacked (by normalised relative path). */
export interface LinkLookup {
  /** The target of the symlink at `relative`, or null when no symlink is there. */
  linkTarget(relative: string): string | null;
}

/** Bytes an entry costs besides its contents: bounds archives of countless empty entries. */
const ENTRY_COST = 512;
/**
 * The longest name component and path an unpacked tree may hold: Linux's NAME_MAX and PATH_MAX,
 * which bounded an unpack to disk (and Nix's), and bound the names kept in memory now.
 */
const MAX_NAME_BYTES = 255;
const MAX_PATH_BYTES = 4096;
/** Symlinks followed when checking where one points (Linux's own limit). */
const MAX_LINK_DEPTH = 40;

export class UnpackGuard {
  readonly #limit: number;
  readonly #where: string;
  #used = 0;
  readonly #symlinks = new Set<string>();

  constructor(limit: number, where: string) {
    this.#limit = limit;
    this.#where = where;
  }

  /** A refusal naming the archive and, when given, the entry. */
  refuse(message: string, entry?: string, hint?: string): EkaError {
    const shown = entry === undefined ? "" : ` (entry ${JSON.stringify(show(entry))})`;
    return new EkaError(
      "EKA_ARCHIVE_INVALID",
      `refusing to unpack ${this.#where}: ${message}${shown}`,
      {
        where: this.#where,
        hint: hint ?? "the archive is damaged or hostile; ask its publisher, or use another URL",
        data: { url: this.#where, ...(entry === undefined ? {} : { entry: show(entry) }) },
      },
    );
  }

  /**
   * The entry's path relative to the root, as normalised components (`./` and empty components
   * dropped), or null for the root itself. Refuses absolute names, `..`, and names under a
   * symlink the archive made.
   */
  entryPath(name: string): string | null {
    if (name.startsWith("/")) throw this.refuse("an absolute path", name);
    const parts = name.split("/").filter((p) => p !== "" && p !== ".");
    if (parts.includes("..")) throw this.refuse("a path with `..` leaves the directory", name);
    if (parts.length === 0) return null;
    if (parts.some((p) => p.length > MAX_NAME_BYTES)) {
      throw this.refuse(`a name component longer than ${MAX_NAME_BYTES} bytes`, name);
    }
    const path = parts.join("/");
    if (path.length > MAX_PATH_BYTES) {
      throw this.refuse(`a path longer than ${MAX_PATH_BYTES} bytes`, name);
    }
    if (this.#symlinks.size > 0) {
      for (let end = path.indexOf("/"); end !== -1; end = path.indexOf("/", end + 1)) {
        if (this.#symlinks.has(path.slice(0, end))) {
          throw this.refuse("an entry inside a symlink of the archive", name);
        }
      }
    }
    return path;
  }

  /** Counts an entry and its bytes against the limit. */
  charge(bytes: number, entry: string): void {
    this.#used += bytes + ENTRY_COST + entry.length;
    if (this.#used > this.#limit) {
      throw this.refuse(
        `it unpacks to more than ${this.#limit} bytes (fetch.max-unpacked-size)`,
        entry,
        "a decompression bomb, or a really large archive: raise fetch.max-unpacked-size in eka.toml if you trust it",
      );
    }
  }

  /** Checks a symlink's target lexically and remembers the link for the final check. */
  symlink(relative: string, target: string): void {
    if (target.startsWith("/"))
      throw this.refuse(`a symlink to the absolute path ${show(target)}`, relative);
    if (target === "") throw this.refuse("a symlink with an empty target", relative);
    this.#symlinks.add(relative);
  }

  /** Forgets a path replaced by a later entry of the same name. */
  replaced(relative: string): void {
    this.#symlinks.delete(relative);
  }

  /**
   * Once everything is unpacked: every symlink, followed through the archive's other symlinks,
   * must stay inside the root (its target need not exist).
   */
  checkLinks(links: LinkLookup): void {
    for (const link of this.#symlinks) this.#resolve(link, links);
  }

  #resolve(link: string, links: LinkLookup): void {
    const stack = link.split("/");
    stack.pop();
    let pending = (links.linkTarget(link) ?? "").split("/");
    let depth = 0;
    while (pending.length > 0) {
      const part = pending.shift()!;
      if (part === "" || part === ".") continue;
      if (part === "..") {
        if (stack.length === 0)
          throw this.refuse("a symlink that points outside the directory", link);
        stack.pop();
        continue;
      }
      stack.push(part);
      const target = links.linkTarget(stack.join("/"));
      if (target === null) continue;
      if (++depth > MAX_LINK_DEPTH) throw this.refuse("a loop of symlinks", link);
      if (target.startsWith("/"))
        throw this.refuse("a symlink that points outside the directory", link);
      stack.pop();
      pending = [...target.split("/"), ...pending];
    }
  }
}

/** A byte-string name as text for messages. */
export function show(name: string): string {
  const text = Buffer.from(name, "latin1").toString("utf8");
  return text.length > 200
    ? `${text.slice(0, 100)}…(${name.length} bytes)…${text.slice(-60)}`
    : text;
}
