/**
 * Unpacks a tar stream (after its decompressor) into an `UnpackTree`. tar-stream parses the
 * headers (ustar, pax, GNU long names); names are taken as bytes (`latin1`), or as UTF-8 when a
 * pax header gave them, as POSIX says. Pax global headers (git archive's commit comment) are
 * skipped, as libarchive skips them.
 */
import type { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { extract, type Header } from "tar-stream";
import type { UnpackGuard } from "./unpack-guard.ts";
import type { UnpackedFile, UnpackTree } from "./unpack-tree.ts";

type Pax = Readonly<Record<string, string>> | null | undefined;

/** A name as bytes: from a pax header it is UTF-8, else it was read as latin1 (raw bytes). */
function bytesName(text: string, fromPax: boolean): string {
  return fromPax ? Buffer.from(text, "utf8").toString("latin1") : text;
}

export async function unpackTar(
  source: Readable,
  decompressor: Transform | null,
  tree: UnpackTree,
  guard: UnpackGuard,
): Promise<void> {
  const options = { filenameEncoding: "latin1", allowUnknownFormat: false };
  const parser = extract(options as Parameters<typeof extract>[0]);
  parser.on("entry", (header: Header, stream, next) => {
    const pax = header.pax as Pax;
    // The parser's failure reaches the pipeline; the entry stream's copy of it is not news.
    stream.on("error", () => {});
    let file: UnpackedFile | null = null;
    let name = "";
    const fail = (error: unknown) => {
      file = null;
      stream.resume();
      parser.destroy(error instanceof Error ? error : new Error(String(error)));
    };
    try {
      name = bytesName(header.name, pax?.["path"] !== undefined);
      const link = bytesName(header.linkname ?? "", pax?.["linkpath"] !== undefined);
      switch (header.type as string | null | undefined) {
        case "file":
        case "contiguous-file":
        case null:
        case undefined: {
          file = tree.fileStart(name, header.mode ?? 0o644, header.size ?? 0);
          stream.on("data", (chunk) => {
            try {
              if (file !== null) tree.fileWrite(file, chunk as Buffer, name);
            } catch (error) {
              fail(error);
            }
          });
          stream.on("end", () => {
            if (file === null) return;
            try {
              tree.fileEnd(file, name);
            } catch (error) {
              fail(error);
              return;
            }
            file = null;
            next();
          });
          return;
        }
        case "directory":
          tree.directory(name);
          break;
        case "symlink":
          tree.symlink(name, link);
          break;
        case "link":
          tree.hardlink(name, link);
          break;
        case "pax-global-header":
        case "pax-header":
        case "gnu-long-path":
        case "gnu-long-link-path":
          break;
        default:
          throw guard.refuse(
            `an entry of type ${header.type} (only files, directories and links unpack)`,
            name,
          );
      }
      stream.on("end", () => next());
      stream.resume();
    } catch (error) {
      fail(error);
    }
  });
  if (decompressor === null) await pipeline(source, parser);
  else await pipeline(source, decompressor, parser);
}
