// Compares the dissections of two copies of one packet for the details pane: a field differs
// when the other copy has no field of that name at that occurrence, or a different value.
// Bytes are marked inside differing fields, position by position.
import type { FieldNode } from "../decode/field-tree";

/** One dissected field, flattened depth-first, as the details pane lists it. */
export interface FieldLine {
  depth: number;
  /** Wireshark field name, e.g. "ip.ttl". */
  name: string;
  label: string;
  /** Byte range in the frame; length 0 when the field has no bytes of its own. */
  offset: number;
  length: number;
  /** Differs from the other copy. */
  changed: boolean;
}

interface Flat extends FieldLine {
  value: string;
  /** name#occurrence: the n-th field of that name in the packet. */
  key: string;
}

function flatten(fields: FieldNode[]): Flat[] {
  const out: Flat[] = [];
  const seen = new Map<string, number>();
  const walk = (list: FieldNode[], depth: number) => {
    for (const f of list) {
      const n = seen.get(f.name) ?? 0;
      seen.set(f.name, n + 1);
      out.push({
        depth,
        name: f.name,
        label: f.label,
        offset: f.offset,
        length: f.length,
        changed: false,
        value: f.value === undefined ? f.label : String(f.value),
        key: `${f.name}#${n}`,
      });
      if (f.children) walk(f.children, depth + 1);
    }
  };
  walk(fields, 0);
  return out;
}

export interface ComparedCopy {
  fields: FieldLine[];
  changedBytes: number[];
}

/** Facts about where and when a copy was captured, not about the packet: never a difference. */
const CAPTURE_FACTS = new Set(["frame.number", "frame.time_epoch", "frame.interface_id", "frame.encap_type", "frame.comment"]);

/** Containers (fields with children) differ through their children: only leaves are compared. */
function leaves(list: Flat[]): Flat[] {
  return list.filter((f, i) => list[i + 1]?.depth !== f.depth + 1 && !CAPTURE_FACTS.has(f.name));
}

/** Marks what differs between copy `a` and copy `b`; either may be absent (a lost packet). */
export function compareDissections(
  a: { fields: FieldNode[]; bytes: Uint8Array } | null,
  b: { fields: FieldNode[]; bytes: Uint8Array } | null,
): [ComparedCopy | null, ComparedCopy | null] {
  const fa = a ? flatten(a.fields) : [];
  const fb = b ? flatten(b.fields) : [];
  const bytesA = new Set<number>();
  const bytesB = new Set<number>();
  if (a && b) {
    const leavesB = new Map(leaves(fb).map((f) => [f.key, f]));
    for (const f of leaves(fa)) {
      const other = leavesB.get(f.key);
      leavesB.delete(f.key);
      if (other && other.value === f.value) continue;
      f.changed = true;
      if (other) other.changed = true;
      markBytes(f, other, a.bytes, b.bytes, bytesA, bytesB);
    }
    // Fields only B has (an option added on the way).
    for (const f of leavesB.values()) {
      f.changed = true;
      for (let i = 0; i < f.length; i++) bytesB.add(f.offset + i);
    }
  }
  const strip = (list: Flat[]): FieldLine[] =>
    list.map(({ depth, name, label, offset, length, changed }) => ({ depth, name, label, offset, length, changed }));
  return [
    a ? { fields: strip(fa), changedBytes: [...bytesA].sort((x, y) => x - y) } : null,
    b ? { fields: strip(fb), changedBytes: [...bytesB].sort((x, y) => x - y) } : null,
  ];
}

function markBytes(fa: Flat, fb: Flat | undefined, bytesA: Uint8Array, bytesB: Uint8Array, outA: Set<number>, outB: Set<number>) {
  if (!fb || fa.length !== fb.length) {
    for (let i = 0; i < fa.length; i++) outA.add(fa.offset + i);
    if (fb) for (let i = 0; i < fb.length; i++) outB.add(fb.offset + i);
    return;
  }
  for (let i = 0; i < fa.length; i++) {
    if (bytesA[fa.offset + i] !== bytesB[fb.offset + i]) {
      outA.add(fa.offset + i);
      outB.add(fb.offset + i);
    }
  }
}
