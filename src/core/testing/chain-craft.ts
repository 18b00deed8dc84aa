// Pure crafting of N captures of the same traffic taken at N points of a path (S13): each point
// has its own clock offset and may see other addresses (NAT); packets can be dropped between two
// points or changed from one point on. Writes one pcap per point.

import { writePcap } from "../formats/pcap-writer";
import { ethernetFrame, ipPacket, type L4, type TcpFields } from "./craft";

export interface ChainEndpoint {
  addr: string;
  port: number;
}

/** How a session's two ends appear at one capture point. */
export interface ChainEndpoints {
  client: ChainEndpoint;
  server: ChainEndpoint;
}

export interface ChainOptions {
  /** Each point's clock minus true time, s (default 0 everywhere). */
  offsets?: number[];
  /** One-way delay between two neighbouring points, s. */
  delay?: number;
  /** TTL at the sending end; it drops by one per hop. */
  ttl?: number;
  /** Epoch second the traffic starts at. */
  start?: number;
}

export interface ChainPath {
  /** First point (capture index) that sees the packet: a middlebox before it made it up (injected). */
  firstPoint?: number;
  /** Last point (capture index) that sees the packet; it is dropped on the hop after it. */
  lastPoint?: number;
  /** From capture index `from` on (in the direction of travel) the payload reads `payload`. */
  change?: { from: number; payload: Uint8Array };
}

export interface ChainFrame {
  time: number;
  data: Uint8Array;
}

/** One packet sent through the chain: its frame at each point (null where it was not seen). */
export interface ChainPacket {
  direction: 0 | 1;
  copies: (ChainFrame | null)[];
}

export class ChainSession {
  private nextId: [number, number];
  constructor(
    private readonly chain: CaptureChainBuilder,
    readonly ends: (ChainEndpoints | null)[],
  ) {
    this.nextId = [2000 + chain.sessionsMade * 100, 6000 + chain.sessionsMade * 100];
  }

  /** A client-to-server TCP segment sent at true time `t` from the client side of the session's first point. */
  c2s(t: number, tcp: Omit<TcpFields, "srcPort" | "dstPort">, path: ChainPath = {}): ChainPacket {
    return this.chain.send(this, 0, t, tcp, path, this.nextId[0]++);
  }

  /** A server-to-client TCP segment sent at `t` from the server side of the session's last point. */
  s2c(t: number, tcp: Omit<TcpFields, "srcPort" | "dstPort">, path: ChainPath = {}): ChainPacket {
    return this.chain.send(this, 1, t, tcp, path, this.nextId[1]++);
  }
}

export class CaptureChainBuilder {
  readonly frames: ChainFrame[][];
  sessionsMade = 0;
  private readonly opts: Required<ChainOptions>;

  constructor(readonly points: number, opts: ChainOptions = {}) {
    this.opts = { offsets: new Array<number>(points).fill(0), delay: 0.005, ttl: 64, start: 1_700_000_000, ...opts };
    this.frames = Array.from({ length: points }, () => []);
  }

  /** A session, with its endpoints as seen at each point (one entry per capture; null where the session does not pass). */
  session(ends: (ChainEndpoints | null)[]): ChainSession {
    if (ends.length !== this.points) throw new Error(`a session needs its endpoints at all ${this.points} points`);
    this.sessionsMade++;
    return new ChainSession(this, ends);
  }

  send(session: ChainSession, dir: 0 | 1, t: number, tcp: Omit<TcpFields, "srcPort" | "dstPort">, path: ChainPath, id: number): ChainPacket {
    const passes = Array.from({ length: this.points }, (_, k) => k).filter((k) => session.ends[k] !== null);
    const order = dir === 0 ? passes : passes.reverse();
    const copies: (ChainFrame | null)[] = new Array(this.points).fill(null);
    const first = path.firstPoint === undefined ? 0 : order.indexOf(path.firstPoint);
    for (const [hopsDone, point] of order.entries()) {
      if (hopsDone < first) continue;
      const ends = session.ends[point]!;
      const [from, to] = dir === 0 ? [ends.client, ends.server] : [ends.server, ends.client];
      const changed = path.change !== undefined && order.indexOf(path.change.from) <= hopsDone;
      const l4: L4 = { tcp: { ...tcp, srcPort: from.port, dstPort: to.port, ...(changed ? { payload: path.change!.payload } : {}) } };
      const data = ethernetFrame(ipPacket({ src: from.addr, dst: to.addr, ttl: this.opts.ttl - hopsDone, id }, l4));
      const frame = { time: t + hopsDone * this.opts.delay + this.opts.offsets[point], data };
      this.frames[point].push(frame);
      copies[point] = frame;
      if (point === path.lastPoint) break;
    }
    return { direction: dir, copies };
  }

  /** A frame seen only at `point`, at true time `t` (offload super-segments and merges, forged packets). */
  only(point: number, t: number, data: Uint8Array): ChainFrame {
    const frame = { time: t + this.opts.offsets[point], data };
    this.frames[point].push(frame);
    return frame;
  }

  /** Frame number (from 1, file order) of a packet's copy at `point`; 0 when it was not seen there. */
  frameNumber(packet: ChainPacket, point: number): number {
    const copy = packet.copies[point];
    return copy ? this.frameNumberOf(copy, point) : 0;
  }

  frameNumberOf(frame: ChainFrame, point: number): number {
    return this.sorted(point).indexOf(frame) + 1;
  }

  private sorted(point: number): ChainFrame[] {
    return [...this.frames[point]].sort((x, y) => x.time - y.time);
  }

  /** One pcap per point (Ethernet, nanosecond timestamps), frames in time order. */
  files(): Uint8Array[] {
    return Array.from({ length: this.points }, (_, point) =>
      writePcap(
        this.sorted(point).map((f) => {
          const whole = Math.floor(f.time);
          return { tsSec: this.opts.start + whole, tsNsec: Math.min(999_999_999, Math.round((f.time - whole) * 1e9)), data: f.data };
        }),
        { linkType: 1, nanoseconds: true },
      ),
    );
  }
}
