// Pure packet crafting for tests and benchmarks: Ethernet + IPv4/IPv6 + TCP (with options) /
// UDP / ICMP / ICMPv6 frames with correct checksums, and a builder for a pair of captures of
// the same traffic at two points of a path (NAT, delays, loss, duplicates, clock offset).
// The bytes come from the shared builders in packets.ts.

import { concat, ethernet, icmp, ipv4, ipv6, tcp, tcpOption, u16, udp, type TcpOptions } from "./packets";

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

/** The header fields of packets.ts's TCP builder (flags as TcpFlag bits), with options by name. */
export interface TcpFields extends Pick<TcpOptions, "srcPort" | "dstPort" | "seq" | "ack" | "flags" | "window" | "payload"> {
  mss?: number;
  windowScale?: number;
  sackPermitted?: boolean;
  /** [TSval, TSecr]. */
  timestamps?: [number, number];
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

/** TCP options in the order Linux writes a SYN's: MSS, SACK permitted, timestamps, window scale. */
function tcpOptions(f: TcpFields): number[] {
  const opts: number[] = [];
  if (f.mss !== undefined) opts.push(...tcpOption.mss(f.mss));
  if (f.sackPermitted) opts.push(...tcpOption.sackPermitted());
  if (f.timestamps) opts.push(...tcpOption.nop(), ...tcpOption.nop(), ...tcpOption.timestamps(...f.timestamps));
  if (f.windowScale !== undefined) opts.push(...tcpOption.nop(), ...tcpOption.windowScale(f.windowScale));
  while (opts.length % 4) opts.push(0);
  return opts;
}

/** The L4 message, its IP protocol number, and where its checksum sits. */
function transport(ip: IpFields, l4: L4, v6: boolean): [Uint8Array, number, number] {
  const { src, dst } = ip;
  if ("tcp" in l4) {
    const f = l4.tcp;
    const segment = tcp({ src, dst, srcPort: f.srcPort, dstPort: f.dstPort, seq: f.seq >>> 0, ack: (f.ack ?? 0) >>> 0, flags: f.flags, window: f.window ?? 65535, options: tcpOptions(f), payload: f.payload });
    return [segment, 6, 16];
  }
  if ("udp" in l4) return [udp({ src, dst, srcPort: l4.udp.srcPort, dstPort: l4.udp.dstPort, payload: l4.udp.payload ?? new Uint8Array(0) }), 17, 6];
  const f = l4.icmp;
  const type = v6 ? (f.reply ? 129 : 128) : f.reply ? 0 : 8;
  return [icmp(type, 0, [...u16(f.id), ...u16(f.seq)], f.payload ?? new Uint8Array(0), v6 ? { src, dst } : undefined), v6 ? 58 : 1, 2];
}

/** One IP packet (no link layer) with correct checksums unless `badChecksum`. */
export function ipPacket(ip: IpFields, l4: L4, opts: CraftOptions = {}): Uint8Array {
  const v6 = ip.src.includes(":");
  const [message, protocol, checksumAt] = transport(ip, l4, v6);
  if (opts.badChecksum) {
    message[checksumAt] ^= 0x5a;
    message[checksumAt + 1] ^= 0x5a;
  }
  if (v6) return ipv6({ src: ip.src, dst: ip.dst, nextHeader: protocol, payload: message, hopLimit: ip.ttl, trafficClass: ip.tos });
  return ipv4({ src: ip.src, dst: ip.dst, protocol, payload: message, id: ip.id ?? 0, ttl: ip.ttl, tos: ip.tos, totalLength: ip.lengthZero ? 0 : undefined });
}

/** Ethernet II frame around an IP packet (padded to the 60-byte minimum, as on the wire). */
export function ethernetFrame(ip: Uint8Array): Uint8Array {
  const frame = ethernet(ip[0] >> 4 === 6 ? 0x86dd : 0x0800, ip, [2, 0, 0, 0, 0, 2], [2, 0, 0, 0, 0, 1]);
  return frame.length >= 60 ? frame : concat(frame, new Uint8Array(60 - frame.length));
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
