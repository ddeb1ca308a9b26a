/**
 * WOFF 1.0 → the TrueType/OpenType file it wraps (W3C WOFF, §4–5): each table inflated when
 * stored compressed, laid out again behind an sfnt table directory. pdf-lib embeds whole sfnt
 * files; its own subsetting goes through fontkit's stream, whose module-wide nextTick queue
 * crosses request contexts in workerd (concurrent renders hang), so fonts are embedded whole.
 */
export async function sfntFromWoff(woff: Uint8Array): Promise<Uint8Array> {
  const view = new DataView(woff.buffer, woff.byteOffset, woff.byteLength);
  if (view.getUint32(0) !== 0x774f4646) throw new Error("not a WOFF file");
  const flavor = view.getUint32(4);
  const numTables = view.getUint16(12);
  const entries = Array.from({ length: numTables }, (_, i) => {
    const at = 44 + i * 20;
    return {
      tag: view.getUint32(at),
      offset: view.getUint32(at + 4),
      compLength: view.getUint32(at + 8),
      origLength: view.getUint32(at + 12),
      checksum: view.getUint32(at + 16),
    };
  });
  const tables = await Promise.all(
    entries.map(async (e) => {
      const stored = woff.subarray(e.offset, e.offset + e.compLength);
      return e.compLength < e.origLength ? inflate(stored) : stored;
    }),
  );

  const headerLength = 12 + numTables * 16;
  const padded = (n: number) => (n + 3) & ~3;
  const out = new Uint8Array(headerLength + tables.reduce((sum, t) => sum + padded(t.length), 0));
  const w = new DataView(out.buffer);
  const power = 2 ** Math.floor(Math.log2(numTables));
  w.setUint32(0, flavor);
  w.setUint16(4, numTables);
  w.setUint16(6, power * 16);
  w.setUint16(8, Math.log2(power));
  w.setUint16(10, numTables * 16 - power * 16);
  let offset = headerLength;
  entries.forEach((e, i) => {
    const table = tables[i]!;
    w.setUint32(12 + i * 16, e.tag);
    w.setUint32(16 + i * 16, e.checksum);
    w.setUint32(20 + i * 16, offset);
    w.setUint32(24 + i * 16, table.length);
    out.set(table, offset);
    offset += padded(table.length);
  });
  return out;
}

async function inflate(zlib: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([zlib]).stream().pipeThrough(new DecompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
