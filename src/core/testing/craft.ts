// Pure packet crafting for tests and benchmarks: Ethernet + IPv4/IPv6 + TCP (with options) /
// UDP / ICMP / ICMPv6 frames with correct checksums, and a builder for a pair of captures of
// the same traffic at two points of a path (NAT, delays, loss, duplicates, clock offset).

export interface IpFields {
  src: string;
  dst: string;
  ttl?: number;
  tos?: number;
  /** IPv4 identification (ignored for IPv6). */
  id?: number;
  /** Write 0 in the IPv4 total length (a TSO super-segment as the sender's capture shows it). */
  lengthZero?: boolean;
}

export interface TcpFields {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack?: number;
  /** TcpFlag bits. */
  flags: number;
  window?: number;
  mss?: number;
  windowScale?: number;
  sackPermitted?: boolean;
  /** [TSval, TSecr]. */
  timestamps?: [number, number];
  payload?: Uint8Array;
}

export interface UdpFields {
  srcPort: number;
  dstPort: number;
  payload?: Uint8Array;
}

export interface IcmpEchoFields {
  reply: boolean;
  id: number;
  seq: number;
  payload?: Uint8Array;
}

export type L4 = { tcp: TcpFields } | { udp: UdpFields } | { icmp: IcmpEchoFields };

export interface CraftOptions {
  /** Store a wrong L4 checksum (checksum offload at the sender, or corruption). */
  badChecksum?: boolean;
}

/** IPv4 dotted quad or IPv6 text (with "::") to bytes. */
export function addressBytes(text: string): Uint8Array {
  if (!text.includes(":")) return Uint8Array.from(text.split(".").map(Number));
  const [head, tail] = text.includes("::") ? text.split("::") : [text, ""];
  const words = (s: string) => (s ? s.split(":").map((w) => parseInt(w, 16)) : []);
  const h = words(head);
  const t = words(tail);
  const all = [...h, ...new Array(8 - h.length - t.length).fill(0), ...t];
  const out = new Uint8Array(16);
  all.forEach((w, i) => {
    out[i * 2] = w >> 8;
    out[i * 2 + 1] = w & 0xff;
  });
  return out;
}

function sum16(bytes: Uint8Array, initial = 0): number {
  let s = initial;
  for (let i = 0; i + 1 < bytes.length; i += 2) s += (bytes[i] << 8) | bytes[i + 1];
  if (bytes.length & 1) s += bytes[bytes.length - 1] << 8;
  return s;
}

function fold(s: number): number {
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

function pseudoHeaderSum(src: Uint8Array, dst: Uint8Array, protocol: number, length: number): number {
  return sum16(src) + sum16(dst) + protocol + length;
}

function tcpSegment(f: TcpFields): Uint8Array {
  const opts: number[] = [];
  if (f.mss !== undefined) opts.push(2, 4, f.mss >> 8, f.mss & 0xff);
  if (f.sackPermitted) opts.push(4, 2);
  if (f.timestamps) {
    const [v, e] = f.timestamps;
    opts.push(1, 1, 8, 10, v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff, e >>> 24, (e >>> 16) & 0xff, (e >>> 8) & 0xff, e & 0xff);
  }
  if (f.windowScale !== undefined) opts.push(1, 3, 3, f.windowScale);
  while (opts.length % 4) opts.push(0);
  const payload = f.payload ?? new Uint8Array(0);
  const header = 20 + opts.length;
  const seg = new Uint8Array(header + payload.length);
  const v = new DataView(seg.buffer);
  v.setUint16(0, f.srcPort);
  v.setUint16(2, f.dstPort);
  v.setUint32(4, f.seq >>> 0);
  v.setUint32(8, (f.ack ?? 0) >>> 0);
  v.setUint16(12, ((header / 4) << 12) | (f.flags & 0x1ff));
  v.setUint16(14, f.window ?? 65535);
  seg.set(opts, 20);
  seg.set(payload, header);
  return seg;
}

function udpDatagram(f: UdpFields): Uint8Array {
  const payload = f.payload ?? new Uint8Array(0);
  const seg = new Uint8Array(8 + payload.length);
  const v = new DataView(seg.buffer);
  v.setUint16(0, f.srcPort);
  v.setUint16(2, f.dstPort);
  v.setUint16(4, seg.length);
  seg.set(payload, 8);
  return seg;
}

function icmpEcho(f: IcmpEchoFields, v6: boolean): Uint8Array {
  const payload = f.payload ?? new Uint8Array(0);
  const seg = new Uint8Array(8 + payload.length);
  seg[0] = v6 ? (f.reply ? 129 : 128) : f.reply ? 0 : 8;
  const v = new DataView(seg.buffer);
  v.setUint16(4, f.id);
  v.setUint16(6, f.seq);
  seg.set(payload, 8);
  return seg;
}

/** One IP packet (no link layer) with correct checksums unless `badChecksum`. */
export function ipPacket(ip: IpFields, l4: L4, opts: CraftOptions = {}): Uint8Array {
  const v6 = ip.src.includes(":");
  const src = addressBytes(ip.src);
  const dst = addressBytes(ip.dst);
  let protocol: number;
  let seg: Uint8Array;
  let checksumAt: number;
  if ("tcp" in l4) [protocol, seg, checksumAt] = [6, tcpSegment(l4.tcp), 16];
  else if ("udp" in l4) [protocol, seg, checksumAt] = [17, udpDatagram(l4.udp), 6];
  else [protocol, seg, checksumAt] = [v6 ? 58 : 1, icmpEcho(l4.icmp, v6), 2];
  const withPseudo = protocol !== 1;
  let c = fold(sum16(seg, withPseudo ? pseudoHeaderSum(src, dst, protocol, seg.length) : 0));
  if (protocol === 17 && c === 0) c = 0xffff;
  if (opts.badChecksum) c ^= 0x5a5a;
  seg[checksumAt] = c >> 8;
  seg[checksumAt + 1] = c & 0xff;
  if (v6) {
    const pkt = new Uint8Array(40 + seg.length);
    const v = new DataView(pkt.buffer);
    v.setUint32(0, (6 << 28) | ((ip.tos ?? 0) << 20));
    v.setUint16(4, seg.length);
    pkt[6] = protocol;
    pkt[7] = ip.ttl ?? 64;
    pkt.set(src, 8);
    pkt.set(dst, 24);
    pkt.set(seg, 40);
    return pkt;
  }
  const pkt = new Uint8Array(20 + seg.length);
  const v = new DataView(pkt.buffer);
  pkt[0] = 0x45;
  pkt[1] = ip.tos ?? 0;
  v.setUint16(2, ip.lengthZero ? 0 : pkt.length);
  v.setUint16(4, ip.id ?? 0);
  v.setUint16(6, 0x4000);
  pkt[8] = ip.ttl ?? 64;
  pkt[9] = protocol;
  pkt.set(src, 12);
  pkt.set(dst, 16);
  v.setUint16(10, fold(sum16(pkt.subarray(0, 20))));
  pkt.set(seg, 20);
  return pkt;
}

/** Ethernet II frame around an IP packet (padded to the 60-byte minimum, as on the wire). */
export function ethernetFrame(ip: Uint8Array): Uint8Array {
  const frame = new Uint8Array(Math.max(60, 14 + ip.length));
  frame.set([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1], 0);
  const v6 = ip[0] >> 4 === 6;
  frame[12] = v6 ? 0x86 : 0x08;
  frame[13] = v6 ? 0xdd : 0x00;
  frame.set(ip, 14);
  return frame;
}

/** Payload bytes that differ from packet to packet: a deterministic pattern from `seed`. */
export function payloadBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Pair builder: one description of the traffic, two captures.

export interface Endpoints {
  /** "ip:port", "[v6]:port", or a bare address for ICMP. */
  client: string;
  server: string;
}

function splitEndpoint(text: string): { addr: string; port: number } {
  const v6 = /^\[(.+)\]:(\d+)$/.exec(text);
  if (v6) return { addr: v6[1], port: Number(v6[2]) };
  const v4 = /^([\d.]+):(\d+)$/.exec(text);
  if (v4) return { addr: v4[1], port: Number(v4[2]) };
  return { addr: text, port: 0 };
}

export interface CapturedFrame {
  /** Seconds on that capture's clock, from the pair's start second. */
  time: number;
  data: Uint8Array;
}

/** Per-side header changes the path makes (beyond NAT), or a middlebox's edit. */
export interface SideEdit {
  ttl?: number;
  tos?: number;
  id?: number;
  mss?: number;
  payload?: Uint8Array;
  badChecksum?: boolean;
  /** Source address written at this side instead of the session's (S4: reply from another node). */
  src?: string;
  seq?: number;
  flags?: number;
}

export interface PathOptions {
  /** One-way delay, s (default: the pair's). */
  delay?: number;
  /** Never reaches the receiver's capture point. */
  lost?: boolean;
  /** Extra copies at the receiver, each this many seconds after the first. */
  duplicates?: number[];
  /** Edits as seen at the sender's and at the receiver's capture point. */
  atSender?: SideEdit;
  atReceiver?: SideEdit;
}

export type PacketSpec =
  | { tcp: Omit<TcpFields, "srcPort" | "dstPort">; id?: number }
  | { udp: { payload?: Uint8Array }; id?: number }
  | { icmp: { seq: number; payload?: Uint8Array }; id?: number };

export interface PairOptions {
  /** B's clock minus A's clock at the start (true time 0), s; B drifts by skewPpm from there. */
  offset?: number;
  skewPpm?: number;
  /** Default one-way delay between the points, s. */
  delay?: number;
  /** TTL at the sender's capture point, and how many hops lie between the points. */
  ttl?: number;
  hops?: number;
  /** Epoch second the traffic starts at. */
  start?: number;
}

export class PairSession {
  private nextId: [number, number];
  constructor(
    private readonly pair: CapturePairBuilder,
    readonly a: Endpoints,
    readonly b: Endpoints,
    readonly icmpIds: [number, number] = [0x1234, 0x4321],
  ) {
    this.nextId = [1000 + pair.sessionsMade * 100, 5000 + pair.sessionsMade * 100];
  }

  /** A client-to-server packet sent at `t` (s after the start, true time). */
  c2s(t: number, spec: PacketSpec, path: PathOptions = {}): this {
    this.pair.send(this, 0, t, spec, path, this.nextId[0]++);
    return this;
  }

  /** A server-to-client packet sent at `t`. */
  s2c(t: number, spec: PacketSpec, path: PathOptions = {}): this {
    this.pair.send(this, 1, t, spec, path, this.nextId[1]++);
    return this;
  }
}

/** What became of one packet sent through the builder: its frame at the sender, its copies at the receiver. */
export interface SentPacket {
  session: PairSession;
  direction: 0 | 1;
  sender: CapturedFrame;
  received: CapturedFrame[];
  /** True one-way delay, s. */
  delay: number;
}

/** Builds two captures (A near the client, B near the server) of the same traffic. */
export class CapturePairBuilder {
  readonly framesA: CapturedFrame[] = [];
  readonly framesB: CapturedFrame[] = [];
  readonly sent: SentPacket[] = [];
  sessionsMade = 0;
  private readonly opts: Required<PairOptions>;

  constructor(opts: PairOptions = {}) {
    this.opts = { offset: 0, skewPpm: 0, delay: 0.02, ttl: 64, hops: 1, start: 1_700_000_000, ...opts };
  }

  session(a: Endpoints, b: Endpoints, icmpIds?: [number, number]): PairSession {
    this.sessionsMade++;
    return new PairSession(this, a, b, icmpIds);
  }

  /** A frame seen only in one capture, at true time `t`. */
  only(capture: 0 | 1, t: number, frame: Uint8Array): CapturedFrame {
    const captured = { time: capture === 0 ? this.aTime(t) : this.bTime(t), data: frame };
    (capture === 0 ? this.framesA : this.framesB).push(captured);
    return captured;
  }

  private aTime(t: number): number {
    return t;
  }

  /** B's clock at true time t. */
  bTime(t: number): number {
    return t + this.opts.offset + this.opts.skewPpm * 1e-6 * t;
  }

  send(session: PairSession, dir: 0 | 1, t: number, spec: PacketSpec, path: PathOptions, autoId: number): void {
    const senderCapture: 0 | 1 = dir === 0 ? 0 : 1;
    const receiverCapture: 0 | 1 = dir === 0 ? 1 : 0;
    const delay = path.delay ?? this.opts.delay;
    const build = (capture: 0 | 1, edit: SideEdit | undefined, ttl: number) => {
      const ends = capture === 0 ? session.a : session.b;
      const client = splitEndpoint(ends.client);
      const server = splitEndpoint(ends.server);
      const [from, to] = dir === 0 ? [client, server] : [server, client];
      const ip: IpFields = {
        src: edit?.src ?? from.addr,
        dst: to.addr,
        ttl: edit?.ttl ?? ttl,
        tos: edit?.tos,
        id: edit?.id ?? spec.id ?? autoId,
      };
      let l4: L4;
      if ("tcp" in spec) {
        l4 = {
          tcp: {
            ...spec.tcp,
            srcPort: from.port,
            dstPort: to.port,
            ...(edit?.mss !== undefined ? { mss: edit.mss } : {}),
            ...(edit?.payload ? { payload: edit.payload } : {}),
            ...(edit?.seq !== undefined ? { seq: edit.seq } : {}),
            ...(edit?.flags !== undefined ? { flags: edit.flags } : {}),
          },
        };
      } else if ("udp" in spec) {
        l4 = { udp: { srcPort: from.port, dstPort: to.port, payload: edit?.payload ?? spec.udp.payload } };
      } else {
        l4 = { icmp: { reply: dir === 1, id: session.icmpIds[capture], seq: spec.icmp.seq, payload: edit?.payload ?? spec.icmp.payload } };
      }
      return ethernetFrame(ipPacket(ip, l4, { badChecksum: edit?.badChecksum }));
    };
    const ttl = this.opts.ttl;
    const record: SentPacket = { session, direction: dir, sender: this.only(senderCapture, t, build(senderCapture, path.atSender, ttl)), received: [], delay };
    this.sent.push(record);
    if (path.lost) return;
    const received = build(receiverCapture, path.atReceiver, ttl - this.opts.hops);
    record.received.push(this.only(receiverCapture, t + delay, received));
    for (const extra of path.duplicates ?? []) record.received.push(this.only(receiverCapture, t + delay + extra, received));
  }

  /** Frame number (from 1, file order) of every frame of one capture. */
  frameNumbers(capture: 0 | 1): Map<CapturedFrame, number> {
    const sorted = [...(capture === 0 ? this.framesA : this.framesB)].sort((x, y) => x.time - y.time);
    return new Map(sorted.map((f, i) => [f, i + 1]));
  }

  /** The frames of one capture in time order, ready for writePcap (nanosecond timestamps). */
  packets(capture: 0 | 1): { tsSec: number; tsNsec: number; data: Uint8Array }[] {
    const frames = [...(capture === 0 ? this.framesA : this.framesB)].sort((x, y) => x.time - y.time);
    return frames.map((f) => {
      const whole = Math.floor(f.time);
      let tsNsec = Math.round((f.time - whole) * 1e9);
      let tsSec = this.opts.start + whole;
      if (tsNsec >= 1e9) [tsSec, tsNsec] = [tsSec + 1, tsNsec - 1e9];
      return { tsSec, tsNsec, data: f.data };
    });
  }
}
