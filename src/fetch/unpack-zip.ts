/**
 * Unpacks a zip file into an `UnpackTree` (yauzl reads the central directory and checks
 * entry sizes; names are kept as bytes and checked by `UnpackGuard`). Unix modes come from the external attributes
 * when the archive was made on Unix (symlinks, the execute bit), as libarchive reads them; other
 * entries are plain files and directories.
 */
import { type Entry, open as openZip, type ZipFile } from "yauzl";
import type { UnpackTree } from "./unpack-tree.ts";

const UNIX = 3;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;

function openFile(path: string): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    openZip(
      path,
      { lazyEntries: true, autoClose: true, validateEntrySizes: true, decodeStrings: false },
      (error, zip) => (error === null ? resolve(zip) : reject(error)),
    );
  });
}

function readEntry(zip: ZipFile, entry: Entry): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) =>
      error === null ? resolve(stream) : reject(error),
    );
  });
}

export async function unpackZip(file: string, tree: UnpackTree): Promise<void> {
  const zip = await openFile(file);
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on("error", reject);
      zip.on("end", resolve);
      zip.on("entry", (entry: Entry) => {
        handle(zip, entry, tree).then(
          () => zip.readEntry(),
          (error) => {
            zip.close();
            reject(error);
          },
        );
      });
      zip.readEntry();
    });
  } finally {
    if (zip.isOpen) zip.close();
  }
}

async function handle(zip: ZipFile, entry: Entry, tree: UnpackTree): Promise<void> {
  // The name's bytes as stored (UTF-8 when the archive says so, else whatever the maker wrote),
  // as libarchive takes them; UnpackGuard checks them.
  const name = (entry.fileName as unknown as Buffer).toString("latin1");
  const unix = entry.versionMadeBy >> 8 === UNIX;
  const mode = unix ? entry.externalFileAttributes >>> 16 : 0;
  const type = mode & S_IFMT;
  if (name.endsWith("/") || type === S_IFDIR) {
    tree.directory(name);
    return;
  }
  const stream = await readEntry(zip, entry);
  if (type === S_IFLNK) {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > 4096) throw new Error(`symlink ${name} has a target over 4096 bytes`);
      chunks.push(chunk);
    }
    tree.symlink(name, Buffer.concat(chunks).toString("latin1"));
    return;
  }
  const file = tree.fileStart(name, unix ? mode : 0o644, entry.uncompressedSize);
  for await (const chunk of stream as AsyncIterable<Buffer>) tree.fileWrite(file, chunk, name);
  tree.fileEnd(file, name);
}
