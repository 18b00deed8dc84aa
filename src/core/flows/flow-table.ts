// Single-capture flow table: groups a PacketTable's rows into TCP connections (a reused
// port with a new ISN is a new connection), UDP conversations and ICMP echo exchanges,
// and decides which end is the client.

import { L3, PacketFlag, TcpFlag, type PacketTable } from "../model/packet-table";

export const NO_FLOW = 0xffffffff;

export type FlowKind = "tcp" | "udp" | "icmp" | "icmpv6" | "other";

export interface Flow {
  kind: FlowKind;
  /** IP protocol number. */
  protocol: number;
  family: 4 | 6;
  /** AddressTable ids. */
  clientAddr: number;
  serverAddr: number;
  /** 0 for ICMP and protocols without ports. */
  clientPort: number;
  serverPort: number;
  /** ICMP echo identifier, else -1. */
  icmpId: number;
  /** Packets per direction: [client-to-server, server-to-client]. */
  packets: [number, number];
  /** Sequence number of the SYN (client) and SYN-ACK (server), when seen. */
  isn: [number | null, number | null];
  /** How the client end was chosen: "syn", "syn-ack", "echo-request", "well-known port", "first packet". */
  clientBy: string;
  /** Sent to a multicast or broadcast address: traffic of one segment, never the same packets at two points. */
  toGroup: boolean;
}

const KINDS: readonly FlowKind[] = ["tcp", "udp", "icmp", "icmpv6", "other"];
const CLIENT_BY = ["syn", "syn-ack", "echo-request", "well-known port", "first packet"];

/**
 * The flows of a capture, kept as columns: a large diff holds its flows from start to end,
 * and 102k Flow objects were 19 MB of its heap (these columns, 4 MB). `at` makes the object
 * of one flow when asked.
 */
export class FlowList {
  readonly length: number;
  private readonly kindCode: Uint8Array;
  private readonly protocol: Uint8Array;
  private readonly family: Uint8Array;
  private readonly clientAddr: Uint32Array;
  private readonly serverAddr: Uint32Array;
  private readonly clientPort: Uint16Array;
  private readonly serverPort: Uint16Array;
  private readonly icmpId: Int32Array;
  /** Two per flow: client-to-server, server-to-client. */
  private readonly packets: Uint32Array;
  /** Two per flow (client, server); NaN where none was seen. */
  private readonly isn: Float64Array;
  private readonly clientByCode: Uint8Array;
  private readonly toGroup: Uint8Array;

  constructor(flows: readonly Flow[]) {
    const n = flows.length;
    this.length = n;
    this.kindCode = new Uint8Array(n);
    this.protocol = new Uint8Array(n);
    this.family = new Uint8Array(n);
    this.clientAddr = new Uint32Array(n);
    this.serverAddr = new Uint32Array(n);
    this.clientPort = new Uint16Array(n);
    this.serverPort = new Uint16Array(n);
    this.icmpId = new Int32Array(n);
    this.packets = new Uint32Array(n * 2);
    this.isn = new Float64Array(n * 2);
    this.clientByCode = new Uint8Array(n);
    this.toGroup = new Uint8Array(n);
    for (let f = 0; f < n; f++) {
      const flow = flows[f];
      this.kindCode[f] = KINDS.indexOf(flow.kind);
      this.protocol[f] = flow.protocol;
      this.family[f] = flow.family;
      this.clientAddr[f] = flow.clientAddr;
      this.serverAddr[f] = flow.serverAddr;
      this.clientPort[f] = flow.clientPort;
      this.serverPort[f] = flow.serverPort;
      this.icmpId[f] = flow.icmpId;
      this.packets.set(flow.packets, f * 2);
      this.isn[f * 2] = flow.isn[0] ?? NaN;
      this.isn[f * 2 + 1] = flow.isn[1] ?? NaN;
      this.clientByCode[f] = CLIENT_BY.indexOf(flow.clientBy);
      this.toGroup[f] = flow.toGroup ? 1 : 0;
    }
  }

  kind(f: number): FlowKind {
    return KINDS[this.kindCode[f]];
  }

  /** Packets of the flow, both directions. */
  packetCount(f: number): number {
    return this.packets[f * 2] + this.packets[f * 2 + 1];
  }

  at(f: number): Flow {
    const kind = this.kind(f);
    return {
      kind,
      protocol: this.protocol[f],
      family: this.family[f] === 6 ? 6 : 4,
      clientAddr: this.clientAddr[f],
      serverAddr: this.serverAddr[f],
      clientPort: this.clientPort[f],
      serverPort: this.serverPort[f],
      icmpId: this.icmpId[f],
      packets: [this.packets[f * 2], this.packets[f * 2 + 1]],
      isn: kind === "tcp" ? [this.isnOf(f, 0), this.isnOf(f, 1)] : NO_ISN,
      clientBy: CLIENT_BY[this.clientByCode[f]],
      toGroup: this.toGroup[f] === 1,
    };
  }

  private isnOf(f: number, side: number): number | null {
    const isn = this.isn[f * 2 + side];
    return Number.isNaN(isn) ? null : isn;
  }
}

export interface FlowTable {
  flows: FlowList;
  /** Per packet row: flow index, or NO_FLOW (non-IP, later fragments). */
  flowOfRow: Uint32Array;
  /** Per packet row: 0 client-to-server, 1 server-to-client. */
  directionOfRow: Uint8Array;
  /** Rows of flow f, in file order: flowRows[flowRowStart[f] .. flowRowStart[f+1]-1]. */
  flowRowStart: Uint32Array;
  flowRows: Uint32Array;
}

/**
 * The ISNs of every flow that is not TCP, one array for all (only TCP flows set theirs): a
 * large capture of DNS-like exchanges has 50k such flows, and 64 bytes each. Frozen, so a
 * write fails instead of landing in every flow.
 */
const NO_ISN = Object.freeze([null, null]) as unknown as Flow["isn"];

const ICMP_ECHO_REQUEST = new Set([8, 128]);
const ICMP_ECHO_REPLY = new Set([0, 129]);

function kindOf(protocol: number): FlowKind {
  switch (protocol) {
    case 6:
      return "tcp";
    case 17:
      return "udp";
    case 1:
      return "icmp";
    case 58:
      return "icmpv6";
    default:
      return "other";
  }
}

/** Ports (or ICMP echo id) that identify a conversation, normalised so both directions agree; packed as sp << 16 | dp. */
function endpointPorts(t: PacketTable, row: number, kind: FlowKind): number {
  const c = t.columns;
  if (kind === "tcp" || kind === "udp") return ((c.srcPort[row] << 16) | c.dstPort[row]) >>> 0;
  if (kind === "icmp" || kind === "icmpv6") {
    const type = c.srcPort[row] >> 8;
    // Echo request and reply share the identifier; other ICMP messages group by address pair.
    if (ICMP_ECHO_REQUEST.has(type) || ICMP_ECHO_REPLY.has(type)) return ((c.dstPort[row] << 16) | c.dstPort[row]) >>> 0;
  }
  return 0;
}

/** Int32 slots per ConversationMap entry: address 1, address 2, ports, protocol, flow (-1 = empty). */
const STRIDE = 5;

/**
 * (address, address, ports, protocol) -> open flow, open addressing over one typed array (no
 * boxed keys); an entry's fields sit side by side, so a probe reads one cache line.
 */
class ConversationMap {
  private slots = ConversationMap.emptySlots(1024);
  private used = 0;

  private static emptySlots(capacity: number): Int32Array {
    const slots = new Int32Array(capacity * STRIDE);
    for (let i = 4; i < slots.length; i += STRIDE) slots[i] = -1;
    return slots;
  }

  /** Offset of the key's entry, or of the empty entry where it would go. Keys are compared as int32. */
  private slot(a1: number, a2: number, ports: number, proto: number): number {
    const slots = this.slots;
    const mask = slots.length / STRIDE - 1;
    // Mix all bits down: ports differ in their high half (client port) and the slot takes low bits.
    let h = Math.imul(a1, 0x9e3779b1) ^ Math.imul(a2 ^ (proto << 24), 0x85ebca6b) ^ ports;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    let i = h & mask;
    let at = i * STRIDE;
    while (slots[at + 4] !== -1 && (slots[at] !== (a1 | 0) || slots[at + 1] !== (a2 | 0) || slots[at + 2] !== (ports | 0) || slots[at + 3] !== proto)) {
      i = (i + 1) & mask;
      at = i * STRIDE;
    }
    return at;
  }

  get(a1: number, a2: number, ports: number, proto: number): number {
    return this.slots[this.slot(a1, a2, ports, proto) + 4];
  }

  set(a1: number, a2: number, ports: number, proto: number, flow: number): void {
    const at = this.slot(a1, a2, ports, proto);
    if (this.slots[at + 4] === -1) this.used++;
    this.slots[at] = a1;
    this.slots[at + 1] = a2;
    this.slots[at + 2] = ports;
    this.slots[at + 3] = proto;
    this.slots[at + 4] = flow;
    if (this.used * 2 > this.slots.length / STRIDE) this.grow();
  }

  private grow(): void {
    const old = this.slots;
    this.slots = ConversationMap.emptySlots((old.length / STRIDE) * 2);
    for (let k = 0; k < old.length; k += STRIDE) {
      if (old[k + 4] === -1) continue;
      const at = this.slot(old[k], old[k + 1], old[k + 2], old[k + 3]);
      for (let j = 0; j < STRIDE; j++) this.slots[at + j] = old[k + j];
    }
  }
}

/** Lower port under 1024 (or the lower of two registered ports) is taken as the service. */
function looksLikeService(port: number, other: number): boolean {
  if (port === other) return false;
  if (port < 1024 !== other < 1024) return port < 1024;
  if (port < 49152 !== other < 49152) return port < 49152;
  return false;
}

export function buildFlowTable(t: PacketTable): FlowTable {
  const c = t.columns;
  const n = t.count;
  const flows: Flow[] = [];
  const flowOfRow = new Uint32Array(n).fill(NO_FLOW);
  const directionOfRow = new Uint8Array(n);
  const open = new ConversationMap();
  const ended = new Set<number>();
  // Per address id: 1 = multicast or broadcast, 0 = not, -1 = not looked at yet (the text is parsed once per address, not per flow).
  const groupAddress = new Int8Array(t.addresses.text.length).fill(-1);

  for (let row = 0; row < n; row++) {
    const l3 = c.l3[row];
    if (l3 !== L3.IPV4 && l3 !== L3.IPV6) continue;
    if (c.flags[row] & PacketFlag.LATER_FRAGMENT) continue;
    const protocol = c.protocol[row];
    const kind = kindOf(protocol);
    const packed = endpointPorts(t, row, kind);
    const sp = packed >>> 16;
    const dp = packed & 0xffff;
    const src = c.src[row];
    const dst = c.dst[row];
    const srcFirst = src < dst || (src === dst && sp <= dp);
    const a1 = srcFirst ? src : dst;
    const a2 = srcFirst ? dst : src;
    const ports = srcFirst ? packed : ((dp << 16) | sp) >>> 0;
    let f: number | undefined = open.get(a1, a2, ports, protocol);
    if (f === -1) f = undefined;
    const tcpFlags = c.tcpFlags[row];
    const isSyn = kind === "tcp" && (tcpFlags & (TcpFlag.SYN | TcpFlag.ACK)) === TcpFlag.SYN;
    // A SYN with a new ISN on a known 4-tuple starts a new connection (port reuse); so does
    // any SYN after a FIN or RST. A SYN seen after its SYN-ACK (timestamp order) does not.
    if (f !== undefined && isSyn) {
      const flow = flows[f];
      const sameClient = flow.clientAddr === src && flow.clientPort === sp;
      const known = flow.isn[0];
      if ((known !== null && (known !== c.seq[row] || !sameClient)) || (known === null && ended.has(f))) f = undefined;
    }
    if (f === undefined) {
      f = flows.length;
      flows.push(newFlow(t, row, kind, sp, dp, groupAddress));
      open.set(a1, a2, ports, protocol, f);
    }
    const flow = flows[f];
    const portsMatch = kind === "tcp" || kind === "udp" ? sp === flow.clientPort : true;
    const dir = src === flow.clientAddr && portsMatch ? 0 : 1;
    flowOfRow[row] = f;
    directionOfRow[row] = dir;
    flow.packets[dir]++;
    if (kind === "tcp" && tcpFlags & TcpFlag.SYN) {
      const side = tcpFlags & TcpFlag.ACK ? 1 : 0;
      if (side === dir && flow.isn[side] === null) flow.isn[side] = c.seq[row];
    }
    if (kind === "tcp" && tcpFlags & (TcpFlag.FIN | TcpFlag.RST)) ended.add(f);
  }

  const flowRowStart = new Uint32Array(flows.length + 1);
  for (let row = 0; row < n; row++) if (flowOfRow[row] !== NO_FLOW) flowRowStart[flowOfRow[row] + 1]++;
  for (let f = 0; f < flows.length; f++) flowRowStart[f + 1] += flowRowStart[f];
  const fill = flowRowStart.slice(0, flows.length);
  const flowRows = new Uint32Array(flowRowStart[flows.length]);
  for (let row = 0; row < n; row++) if (flowOfRow[row] !== NO_FLOW) flowRows[fill[flowOfRow[row]]++] = row;
  return { flows: new FlowList(flows), flowOfRow, directionOfRow, flowRowStart, flowRows };
}

function newFlow(t: PacketTable, row: number, kind: FlowKind, sp: number, dp: number, groupAddress: Int8Array): Flow {
  const c = t.columns;
  const src = c.src[row];
  const dst = c.dst[row];
  let clientIsSrc = true;
  let clientBy = "first packet";
  const tcpFlags = c.tcpFlags[row];
  if (kind === "tcp" && tcpFlags & TcpFlag.SYN) {
    clientIsSrc = !(tcpFlags & TcpFlag.ACK);
    clientBy = clientIsSrc ? "syn" : "syn-ack";
  } else if (kind === "icmp" || kind === "icmpv6") {
    const type = c.srcPort[row] >> 8;
    if (ICMP_ECHO_REQUEST.has(type) || ICMP_ECHO_REPLY.has(type)) {
      clientIsSrc = ICMP_ECHO_REQUEST.has(type);
      clientBy = "echo-request";
    }
  } else if ((kind === "tcp" || kind === "udp") && (looksLikeService(sp, dp) || looksLikeService(dp, sp))) {
    clientIsSrc = looksLikeService(dp, sp);
    clientBy = "well-known port";
  }
  const echo = (kind === "icmp" || kind === "icmpv6") && sp === dp && sp !== 0;
  const server = clientIsSrc ? dst : src;
  if (groupAddress[server] < 0) groupAddress[server] = isGroupAddress(t.addresses.text[server]) ? 1 : 0;
  return {
    kind,
    protocol: c.protocol[row],
    family: c.l3[row] === L3.IPV6 ? 6 : 4,
    clientAddr: clientIsSrc ? src : dst,
    serverAddr: clientIsSrc ? dst : src,
    clientPort: kind === "tcp" || kind === "udp" ? (clientIsSrc ? sp : dp) : 0,
    serverPort: kind === "tcp" || kind === "udp" ? (clientIsSrc ? dp : sp) : 0,
    icmpId: echo ? sp : -1,
    packets: [0, 0],
    isn: kind === "tcp" ? [null, null] : NO_ISN,
    clientBy,
    toGroup: groupAddress[server] === 1,
  };
}

/** Multicast, limited broadcast, or (by the usual /24 habit) a directed broadcast ending in .255. */
export function isGroupAddress(text: string): boolean {
  if (text.includes(":")) return /^ff/i.test(text);
  const octets = text.split(".").map(Number);
  return (octets[0] >= 224 && octets[0] <= 239) || octets[3] === 255;
}

/** Wireshark-style endpoint text: "10.0.0.1:80", "[2001:db8::1]:443", a bare address for ICMP. */
export function endpointText(t: PacketTable, flow: Flow, side: "client" | "server"): string {
  const addr = t.addresses.text[side === "client" ? flow.clientAddr : flow.serverAddr];
  if (flow.kind !== "tcp" && flow.kind !== "udp") return addr;
  const port = side === "client" ? flow.clientPort : flow.serverPort;
  // Joined rather than templated: a template leaves a chain of pieces (about 88 bytes here),
  // join one flat string (about 40), and a large diff keeps two per session.
  return flow.family === 6 ? ["[", addr, "]:", port].join("") : [addr, port].join(":");
}
