// Packets from Microsoft-Windows-PktMon (`pktmon start --capture`): event 160 (packet seen by a
// component) and 170 (packet dropped by one), named by the component events (20). A packet appears
// once per component it crosses; one copy is kept, with its path and any drop as notes.
// Event fields as listed by the provider manifest (PktGroupId ... LoggedPayloadSize, Payload).
import { guidBytes, utf16z } from "./container";
import type { EtlInterface, EventContext, PacketList, PacketProvider } from "./packets";

export const PKTMON_GUID = "{4D4F80D9-C8BD-4D73-BB5B-19C90402C5AC}";

const EVENT_COMPONENT = 20;
const EVENT_PACKET = 160;
const EVENT_DROP = 170;
/** PktGroupId u64, PktNumber, AppearanceCount, DirTag, PacketType, ComponentId, EdgeId, FilterId (u16), DropReason, DropLocation (u32), OriginalPayloadSize, LoggedPayloadSize (u16). */
const PACKET_FIXED = 34;

/** PKTMON_PACKET_TYPE -> link type; the other payload types (TCP, HTTP...) carry no link layer. */
const LINK_TYPES: Record<number, number> = { 1: 1, 2: 105, 3: 101 };
/** PKTMON_DIRECTION_TAG: In, Rx and Ingress are the receive path; Out, Tx and Egress the send path. */
const DIRECTION_TAGS = ["", "In", "Out", "Rx", "Tx", "Ingress", "Egress"];
const isReceiveTag = (tag: number) => tag === 1 || tag === 3 || tag === 5;

/** Plain words for the drop reasons a comparison most often meets (PKTMON_DROP_REASON). */
const DROP_REASONS: Record<number, [string, string]> = {
  1: ["Drop_InvalidData", "invalid data"],
  2: ["Drop_InvalidPacket", "invalid packet"],
  3: ["Drop_Resources", "out of resources"],
  8: ["Drop_Filtered", "filtered"],
  9: ["Drop_FilteredVLAN", "filtered by VLAN"],
  23: ["Drop_MTUMismatch", "MTU mismatch"],
  33: ["Drop_NicDisabled", "network adapter disabled"],
  211: ["Drop_CrcError", "CRC error"],
  212: ["Drop_BadFrameChecksum", "bad frame checksum"],
  213: ["Drop_FcsError", "FCS error"],
  217: ["Drop_RxQFull", "receive queue full"],
  901: ["Drop_NL_BadSourceAddress", "bad source address"],
  902: ["Drop_NL_NotLocallyDestined", "not addressed to this host"],
  903: ["Drop_NL_ProtocolUnreachable", "protocol unreachable"],
  904: ["Drop_NL_PortUnreachable", "port unreachable"],
  905: ["Drop_NL_BadLength", "bad length"],
  906: ["Drop_NL_MalformedHeader", "malformed header"],
  907: ["Drop_NL_NoRoute", "no route"],
  909: ["Drop_NL_InspectionDrop", "dropped by inspection (firewall)"],
  912: ["Drop_NL_BadChecksum", "IP checksum is invalid"],
  914: ["Drop_NL_HopLimitExceeded", "hop limit exceeded"],
  920: ["Drop_NL_DontFragmentMtuExceeded", "too big and Don't Fragment set"],
  953: ["Drop_NL_IcmpInvalidChecksum", "ICMP checksum is invalid"],
  1202: ["Drop_INET_HeaderInvalid", "header is invalid"],
  1203: ["Drop_INET_ChecksumInvalid", "checksum is invalid"],
  1204: ["Drop_INET_EndpointNotFound", "no socket listening on that port"],
  1207: ["Drop_INET_ReceiveInspection", "dropped by receive inspection (firewall)"],
  1208: ["Drop_INET_AckInvalid", "ACK is invalid"],
  1210: ["Drop_INET_Rst", "reset"],
  1216: ["Drop_INET_OutsideWindow", "outside the receive window"],
  1217: ["Drop_INET_DuplicateSegment", "duplicate segment"],
};

function dropReasonText(reason: number): string {
  const known = DROP_REASONS[reason];
  if (known) return `${known[1]} (${known[0]}, reason ${reason})`;
  const layer =
    reason >= 1200 && reason < 1300 ? "transport layer" : reason >= 900 && reason < 1100 ? "IP layer" : reason >= 1400 && reason < 1500 ? "IPsec" : reason >= 200 && reason < 300 ? "NDIS" : "";
  return `reason ${reason}${layer ? ` (${layer})` : ""}`;
}

/** PKTMON_DROP_LOCATION values are 0xE000_A_nnn with A naming the area of the stack. */
const DROP_AREAS: Record<number, string> = { 1: "NDIS", 2: "Hyper-V switch", 3: "NetVsc", 4: "TCP/IP" };

function dropLocationText(location: number): string {
  const area = location >>> 16 === 0xe000 ? DROP_AREAS[(location >>> 12) & 0xf] : undefined;
  return `location 0x${location.toString(16)}${area ? ` (${area})` : ""}`;
}

interface Appearance {
  group: bigint;
  number: number;
  appearance: number;
  dirTag: number;
  packetType: number;
  component: number;
  dropReason: number;
  dropLocation: number;
  dropped: boolean;
  originalSize: number;
  /** Where the event was, without holding on to its buffer (packets are re-read after the time sort). */
  ticks: number;
  order: number;
  bufferIndex: number;
  fileOffset: number;
  start: number;
  length: number;
}

export class PktmonProvider implements PacketProvider {
  readonly guid = guidBytes(PKTMON_GUID);
  private readonly components = new Map<number, string>();
  private readonly appearances: Appearance[] = [];
  private readonly interfaces = new Map<string, EtlInterface>();
  private readonly warnings: string[] = [];

  constructor(private readonly list: PacketList) {}

  onEvent(ev: EventContext): void {
    if (ev.id === EVENT_COMPONENT) return this.onComponent(ev);
    if (ev.id !== EVENT_PACKET && ev.id !== EVENT_DROP) return;
    const { view, payloadStart: p, payloadEnd } = ev;
    const logged = p + PACKET_FIXED <= payloadEnd ? view.getUint16(p + 32, true) : -1;
    if (logged < 0 || p + PACKET_FIXED + logged > payloadEnd) {
      this.warnings.push(`PktMon event ${ev.id} at file offset ${ev.fileOffset}: payload does not match the event layout; skipped`);
      return;
    }
    this.appearances.push({
      group: view.getBigUint64(p, true),
      number: view.getUint16(p + 8, true),
      appearance: view.getUint16(p + 10, true),
      dirTag: view.getUint16(p + 12, true),
      packetType: view.getUint16(p + 14, true),
      component: view.getUint16(p + 16, true),
      dropReason: view.getUint32(p + 22, true),
      dropLocation: view.getUint32(p + 26, true),
      dropped: ev.id === EVENT_DROP,
      originalSize: view.getUint16(p + 30, true),
      ticks: ev.ticks,
      order: ev.order,
      bufferIndex: ev.bufferIndex,
      fileOffset: ev.fileOffset,
      start: p + PACKET_FIXED,
      length: logged,
    });
  }

  finish() {
    let packets = 0;
    let noLinkLayer = 0;
    for (const copies of this.packetsByIdentity()) {
      const receive = isReceiveTag(copies[0].dirTag);
      // Keep the copy closest to the wire: where a received packet enters, where a sent one leaves.
      const kept = receive ? copies[0] : copies[copies.length - 1];
      const linkType = LINK_TYPES[kept.packetType];
      if (linkType === undefined) {
        noLinkLayer++;
        continue;
      }
      const notes = [`pktmon path: ${copies.map((c) => `${this.componentName(c.component)} ${DIRECTION_TAGS[c.dirTag] ?? c.dirTag}`).join(" → ")}`];
      for (const d of copies.filter((c) => c.dropped)) {
        notes.push(`dropped by ${this.componentName(d.component)}: ${dropReasonText(d.dropReason)}, ${dropLocationText(d.dropLocation)}`);
      }
      packets++;
      this.list.add({
        ticks: kept.ticks,
        order: kept.order,
        iface: this.iface(kept.component, linkType),
        bytes: { bufferIndex: kept.bufferIndex, start: kept.start, length: kept.length },
        originalLength: Math.max(kept.originalSize, kept.length),
        direction: receive ? 1 : 2,
        notes,
        fileOffset: kept.fileOffset,
      });
    }
    const notes: string[] = [];
    if (this.appearances.length > 0) {
      notes.push(
        `${packets} packets from Microsoft-Windows-PktMon (${this.appearances.length} packet events: one copy kept per packet, the one closest to the wire; the components it crossed are in its notes)`,
      );
    }
    if (noLinkLayer > 0) notes.push(`skipped ${noLinkLayer} PktMon packets logged without a link layer (transport payload only)`);
    return { notes, warnings: this.warnings };
  }

  /**
   * The appearances of each packet, in the order it crossed the components. Group ids can come
   * back later, so a group also ends where its appearance count stops rising.
   */
  private packetsByIdentity(): Appearance[][] {
    const sorted = [...this.appearances].sort(
      (a, b) =>
        (a.group < b.group ? -1 : a.group > b.group ? 1 : 0) ||
        a.number - b.number ||
        a.ticks - b.ticks ||
        a.appearance - b.appearance ||
        a.order - b.order,
    );
    const groups: Appearance[][] = [];
    let current: Appearance[] = [];
    for (const a of sorted) {
      const last = current[current.length - 1];
      if (last && (last.group !== a.group || last.number !== a.number || a.appearance <= last.appearance)) {
        groups.push(current);
        current = [];
      }
      current.push(a);
    }
    if (current.length > 0) groups.push(current);
    return groups;
  }

  /** Event 20: u16 Id, u16 Type, Name, Description (UTF-16, NUL-terminated). */
  private onComponent(ev: EventContext): void {
    const { records, view, payloadStart: p, payloadEnd } = ev;
    if (p + 4 > payloadEnd) return;
    const id = view.getUint16(p, true);
    const name = utf16z(records, p + 4, payloadEnd);
    const description = utf16z(records, name.next, payloadEnd);
    this.components.set(id, description.text && description.text !== name.text ? `${name.text} (${description.text})` : name.text);
  }

  private componentName(id: number): string {
    const name = this.components.get(id);
    return name ? `${name} [${id}]` : `component ${id}`;
  }

  private iface(component: number, linkType: number): EtlInterface {
    const key = `pktmon:${component}:${linkType}`;
    let iface = this.interfaces.get(key);
    if (!iface) {
      iface = { key, linkType, name: `pktmon:${this.componentName(component)}`, sortKey: [2, component, linkType] };
      this.interfaces.set(key, iface);
    }
    return iface;
  }
}
