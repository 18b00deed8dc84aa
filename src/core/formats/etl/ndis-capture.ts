// Packets from Microsoft-Windows-NDIS-PacketCapture (ndiscap, `netsh trace start capture=yes`):
// event 1001 packet fragment, 1002 Wi-Fi metadata for the next fragment, 1003 Hyper-V switch fragment.
// Payloads and keywords as in the provider manifest (see Microsoft's etl2pcapng, src/main.c).
import { guidBytes, utf16z } from "./container";
import { inferOriginalLength, type EtlInterface, type EventContext, type PacketBytes, type PacketList, type PacketProvider } from "./packets";

export const NDIS_CAPTURE_GUID = "{2ED6006E-4729-4609-B423-3EE7BCD678EF}";

const KW_MEDIA_WIRELESS_WAN = 0x200n;
const KW_MEDIA_NATIVE_802_11 = 0x10000n;
const KW_PACKET_START = 0x40000000n;
const KW_PACKET_END = 0x80000000n;
const KW_SEND = 0x100000000n;
const KW_RECEIVE = 0x200000000n;

const EVENT_FRAGMENT = 1001;
const EVENT_WIFI_METADATA = 1002;
const EVENT_VMSWITCH_FRAGMENT = 1003;

const LINKTYPE_ETHERNET = 1;
const LINKTYPE_RAW = 101;
const LINKTYPE_IEEE802_11 = 105;

const PHY_TYPES = ["unknown", "FHSS", "DSSS", "IR baseband", "802.11a", "802.11b", "802.11g", "802.11n", "802.11ac", "802.11ad", "802.11ax"];

/** A packet whose start fragment was seen and whose end fragment was not yet (pre-8.1 systems split packets). */
interface Partial {
  first: EventContext;
  parts: Uint8Array[];
  iface: EtlInterface;
}

export class NdisCaptureProvider implements PacketProvider {
  readonly guid = guidBytes(NDIS_CAPTURE_GUID);
  private packets = 0;
  private readonly interfaces = new Map<string, EtlInterface>();
  private readonly byIndex = new Map<number, EtlInterface>();
  private readonly partial = new Map<number, Partial>();
  /** Wi-Fi metadata (event 1002) waiting for the next fragment of the same thread. */
  private readonly wifiNotes = new Map<number, string>();
  private readonly warnings: string[] = [];
  private fragments = 0;

  constructor(private readonly list: PacketList) {}

  onEvent(ev: EventContext): void {
    if (ev.id === EVENT_WIFI_METADATA) return this.onWifiMetadata(ev);
    if (ev.id !== EVENT_FRAGMENT && ev.id !== EVENT_VMSWITCH_FRAGMENT) return;
    const parsed = ev.id === EVENT_FRAGMENT ? this.fragment(ev) : this.vmswitchFragment(ev);
    if (!parsed) {
      this.warnings.push(`NDIS event ${ev.id} at file offset ${ev.fileOffset}: payload does not match the event layout; skipped`);
      return;
    }
    this.fragments++;
    const { iface, start, length } = parsed;
    const kw = ev.keyword;
    const pending = this.partial.get(ev.threadId);
    const isStart = (kw & KW_PACKET_START) !== 0n;
    const isEnd = (kw & KW_PACKET_END) !== 0n;
    if (isStart) {
      if (pending) this.warnings.push(`NDIS packet fragments at file offset ${pending.first.fileOffset} never ended; dropped`);
      this.partial.delete(ev.threadId);
      if (isEnd) {
        this.add(ev, iface, { bufferIndex: ev.bufferIndex, start, length }, ev.records.subarray(start, start + length));
        return;
      }
      this.partial.set(ev.threadId, { first: ev, parts: [ev.records.slice(start, start + length)], iface });
      return;
    }
    if (!pending) {
      this.warnings.push(`NDIS fragment at file offset ${ev.fileOffset} continues a packet whose start is missing; skipped`);
      return;
    }
    pending.parts.push(ev.records.slice(start, start + length));
    if (!isEnd) return;
    this.partial.delete(ev.threadId);
    const joined = new Uint8Array(pending.parts.reduce((n, part) => n + part.length, 0));
    let at = 0;
    for (const part of pending.parts) {
      joined.set(part, at);
      at += part.length;
    }
    this.add(pending.first, pending.iface, { bufferIndex: -1, start: 0, length: joined.length, copy: joined }, joined);
  }

  finish() {
    for (const p of this.partial.values()) this.warnings.push(`NDIS packet fragments at file offset ${p.first.fileOffset} never ended; dropped`);
    const notes =
      this.packets > 0 ? [`${this.packets} packets from Microsoft-Windows-NDIS-PacketCapture (${this.fragments} fragment events)`] : [];
    return { notes, warnings: this.warnings };
  }

  private add(ev: EventContext, iface: EtlInterface, bytes: PacketBytes, data: Uint8Array): void {
    const kw = ev.keyword;
    let note = this.wifiNotes.get(ev.threadId);
    this.wifiNotes.delete(ev.threadId);
    if (iface.linkType === LINKTYPE_IEEE802_11 && data.length > 1 && data[1] & 0x40) {
      // ndiscap logs 802.11 frames decrypted: clear "Protected" so decoders read the payload.
      const copy = bytes.copy ?? data.slice();
      copy[1] &= ~0x40;
      bytes = { bufferIndex: -1, start: 0, length: copy.length, copy };
      note = [note, "802.11 Protected flag cleared (ndiscap logs decrypted frames)"].filter(Boolean).join("; ");
    }
    this.packets++;
    this.list.add({
      ticks: ev.ticks,
      order: ev.order,
      iface,
      bytes,
      originalLength: inferOriginalLength(data, iface.linkType, data.length),
      direction: kw & KW_SEND ? 2 : kw & KW_RECEIVE ? 1 : 0,
      notes: note ? [note] : undefined,
      fileOffset: ev.fileOffset,
    });
  }

  /** Event 1001: u32 MiniportIfIndex, u32 LowerIfIndex, u32 FragmentSize, fragment (later versions may append fields). */
  private fragment(ev: EventContext) {
    const { view, payloadStart: p, payloadEnd } = ev;
    if (p + 12 > payloadEnd) return undefined;
    const miniport = view.getUint32(p, true);
    const lower = view.getUint32(p + 4, true);
    const length = view.getUint32(p + 8, true);
    if (p + 12 + length > payloadEnd) return undefined;
    const linkType = ev.keyword & KW_MEDIA_NATIVE_802_11 ? LINKTYPE_IEEE802_11 : ev.keyword & KW_MEDIA_WIRELESS_WAN ? LINKTYPE_RAW : LINKTYPE_ETHERNET;
    // A numeric key first: this runs once per packet, the string key once per interface.
    const fastKey = lower * 1000 + linkType;
    let iface = this.byIndex.get(fastKey);
    if (!iface) {
      iface = this.iface(`ndis:${lower}:${linkType}`, () => ({
        linkType,
        name: `${linkType === LINKTYPE_IEEE802_11 ? "wifi" : linkType === LINKTYPE_RAW ? "mbb" : "eth"}:${lower}`,
        description: miniport !== lower ? `LWF over IfIndex ${miniport}` : `IfIndex ${lower}`,
        sortKey: [0, miniport, miniport === lower ? 0 : 1, lower],
      }));
      this.byIndex.set(fastKey, iface);
    }
    return { iface, start: p + 12, length };
  }

  /**
   * Event 1003: u32 MiniportIfIndex, u32 LowerIfIndex, u32 SourcePortId, SourcePortName,
   * SourceNicName, SourceNicType (UTF-16, NUL-terminated), u32 DestinationCount, the destinations,
   * u32 FragmentSize, fragment, u32 OOBDataSize, OOB data. The destination entries' layout is not
   * published, so the fragment is found as the one split of the rest that fits those last four fields.
   */
  private vmswitchFragment(ev: EventContext) {
    const { records, view, payloadStart: p, payloadEnd: end } = ev;
    if (p + 12 > end) return undefined;
    const miniport = view.getUint32(p, true);
    const lower = view.getUint32(p + 4, true);
    const sourcePort = view.getUint32(p + 8, true);
    const portName = utf16z(records, p + 12, end);
    const nicName = utf16z(records, portName.next, end);
    const nicType = utf16z(records, nicName.next, end);
    let at = nicType.next + 4; // after DestinationCount
    let fragmentAt = -1;
    for (; at + 8 <= end; at++) {
      const length = view.getUint32(at, true);
      const oobAt = at + 4 + length;
      if (oobAt + 4 <= end && oobAt + 4 + view.getUint32(oobAt, true) === end) {
        fragmentAt = at;
        break;
      }
    }
    if (fragmentAt < 0) return undefined;
    const iface = this.iface(`vmswitch:${lower}:${sourcePort}`, () => ({
      linkType: LINKTYPE_ETHERNET,
      name: `vNIC:${nicType.text}:${portName.text}:${lower}`,
      description: `Hyper-V switch port ${sourcePort} (${nicName.text})${miniport !== lower ? `, LWF over IfIndex ${miniport}` : ""}`,
      sortKey: [1, lower, sourcePort],
    }));
    return { iface, start: fragmentAt + 4, length: view.getUint32(fragmentAt, true) };
  }

  /**
   * Event 1002: u32 MiniportIfIndex, u32 LowerIfIndex, u32 MetadataSize, DOT11_EXTSTA_RECV_CONTEXT
   * (receive flags at 4, PHY type at 8, centre frequency at 12, MPDU count at 16, RSSI at 20, rate at 24).
   */
  private onWifiMetadata(ev: EventContext): void {
    const { view, payloadStart: p, payloadEnd } = ev;
    if (p + 12 > payloadEnd) return;
    const size = view.getUint32(p + 8, true);
    const m = p + 12;
    if (size < 28 || m + size > payloadEnd) return;
    const phy = view.getUint32(m + 8, true);
    this.wifiNotes.set(
      ev.threadId,
      `802.11 ${PHY_TYPES[phy] ?? `PHY ${phy}`}, centre frequency ${view.getUint32(m + 12, true)}, RSSI ${view.getInt32(m + 20, true)} dBm, rate code ${view.getUint8(m + 24)}`,
    );
  }

  private iface(key: string, make: () => Omit<EtlInterface, "key">): EtlInterface {
    let iface = this.interfaces.get(key);
    if (!iface) this.interfaces.set(key, (iface = { key, ...make() }));
    return iface;
  }
}
