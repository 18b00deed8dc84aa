// Full field-by-field dissection of ONE packet's bytes, for the packet-details pane, hex-dump
// highlighting, and the matcher's field-level diff of two copies of a packet. The layers'
// dissectors live beside their decoders (dissectIpv4 in ipv4.ts...) and are chained through
// the same handoff tables; this file adds the frame's own facts on top.

import { linkTypeLabel } from "../formats/link-types";
import type { PacketTable } from "../model/packet-table";
import { Dissection, type FieldNode } from "./field-tree";
import { dissectorByLinkType } from "./registry";
import "./handoffs";

export type { FieldNode } from "./field-tree";

/** The layers of a frame captured on a link of type `linkType` (unknown link types: all data). */
export function dissectPacket(bytes: Uint8Array, linkType: number): FieldNode[] {
  const d = new Dissection(bytes);
  const first = dissectorByLinkType.get(linkType);
  if (first) first(d, 0, bytes.length);
  else d.data(0, bytes.length);
  return d.roots;
}

/** Row `row`'s bytes (re-read from the file at its fileOffset) as a tree, under a "frame" node. */
export function dissectFrame(t: PacketTable, row: number, bytes: Uint8Array): FieldNode[] {
  const c = t.columns;
  const iface = t.interfaces[c.interfaceId[row]];
  const ns = String(c.tsNsec[row]).padStart(9, "0");
  const frame: FieldNode = {
    name: "frame",
    label: `Frame ${row + 1}: ${c.originalLength[row]} bytes on wire, ${c.capturedLength[row]} bytes captured`,
    offset: 0,
    length: bytes.length,
    children: [
      { name: "frame.number", label: `Frame Number: ${row + 1}`, value: row + 1, offset: 0, length: 0 },
      { name: "frame.time_epoch", label: `Epoch Time: ${c.tsSec[row]}.${ns} seconds`, value: `${c.tsSec[row]}.${ns}`, offset: 0, length: 0 },
      { name: "frame.len", label: `Frame Length: ${c.originalLength[row]} bytes`, value: c.originalLength[row], offset: 0, length: 0 },
      { name: "frame.cap_len", label: `Capture Length: ${c.capturedLength[row]} bytes`, value: c.capturedLength[row], offset: 0, length: 0 },
      { name: "frame.interface_id", label: `Interface: ${c.interfaceId[row]}${iface?.name ? ` (${iface.name})` : ""}`, value: c.interfaceId[row], offset: 0, length: 0 },
      { name: "frame.encap_type", label: `Link type: ${iface ? linkTypeLabel(iface.linkType) : "unknown"}`, value: iface?.linkType ?? -1, offset: 0, length: 0 },
    ],
  };
  const facts: [string, string | undefined][] = [
    ["frame.tunnel", t.sparse.tunnel.get(row) && `Tunnel: ${t.sparse.tunnel.get(row)}`],
    ["_ws.problem", t.sparse.problems.get(row) && `Problem: ${t.sparse.problems.get(row)}`],
    ...(t.sparse.meta.get(row)?.comments ?? []).map((comment): [string, string] => ["frame.comment", `Comment: ${comment}`]),
  ];
  for (const [name, label] of facts) if (label) frame.children!.push({ name, label, value: label, offset: 0, length: 0 });
  return [frame, ...dissectPacket(bytes, iface?.linkType ?? -1)];
}
