// The contract between capture-file readers (pcap, pcapng, NetMon, ETL...) and whatever
// consumes their records (the decoder that fills a PacketTable, the CLI's `info`).

/**
 * A file's bytes: a browser File (File.slice), a Node file handle, or a decompressing stream.
 * A `forwardOnly` source (decompressed gzip/zstd) must be read at increasing offsets and has
 * no known size (NaN); readers that need random access get a buffered copy instead.
 */
export interface ByteSource {
  readonly name: string;
  readonly size: number;
  readonly forwardOnly?: boolean;
  /** Reads up to `length` bytes at `offset`; shorter only at the end of the data. */
  read(offset: number, length: number): Promise<Uint8Array>;
  /**
   * Optional: the caller will not look at bytes that read() returned again (no view of them
   * is used any more), so the source may read into their memory later instead of allocating.
   */
  release?(bytes: Uint8Array): void;
}

/** One capture interface (pcapng IDB; a single implicit one for pcap). */
export interface CaptureInterfaceInfo {
  /** LINKTYPE_* value (https://www.tcpdump.org/linktypes.html), FCS bits stripped. */
  linkType: number;
  /** Bytes of FCS at the end of each frame, from the pcap link-type FCS bits or if_fcslen. */
  fcsLength: number;
  snaplen: number;
  name?: string;
  description?: string;
  /** Timestamp resolution as written in the file, e.g. "us", "ns", "1/1024 s". */
  tsResolution: string;
  /** Digits after the decimal point that the resolution carries (6 for us, 9 for ns). */
  tsDigits: number;
}

/** Per-packet metadata a format may carry beyond the bytes (kept sparse). */
export interface PacketMeta {
  /** pcapng epb_flags (direction in bits 0-1, reception type, FCS length, errors). */
  epbFlags?: number;
  comments?: string[];
  /** The format stores no timestamp for this packet (pcapng SPB): the reader repeats the previous one. */
  noTimestamp?: boolean;
  /** Free-form facts a format records about the packet (Windows: pktmon component path, drop reason). */
  notes?: string[];
}

/**
 * One packet as read from the file. Readers reuse one object and one buffer: `data` and
 * the object itself are only valid during the `record` call.
 */
export interface PacketRecord {
  interfaceId: number;
  /** Seconds since the Unix epoch (UTC), integer. */
  tsSec: number;
  /** Nanoseconds within the second, 0..999,999,999. */
  tsNsec: number;
  capturedLength: number;
  originalLength: number;
  data: Uint8Array;
  /**
   * Optional: `data` is window[dataStart, dataStart + capturedLength), so a sink may read the
   * bytes there instead of through `data` (which is then a view made when asked for, not one
   * per packet). Valid, like `data`, only during the `record` call.
   */
  window?: Uint8Array;
  dataStart?: number;
  /** Offset of the record's header in the (decompressed) byte stream. */
  fileOffset: number;
  meta?: PacketMeta;
}

export interface ReadError {
  file: string;
  /** Byte offset in the (decompressed) stream where the problem starts. */
  offset: number;
  /** Frame number (from 1) of the record that could not be read: packets kept + 1. */
  frame: number;
  message: string;
  /** Fatal errors end the read; the packets before are kept. Warnings do not. */
  fatal: boolean;
}

/** Receives a reader's output, in file order. */
export interface RecordSink {
  /** Announces interface `id` (0, 1, ... in order) before any record that uses it. */
  addInterface(id: number, info: CaptureInterfaceInfo): void;
  record(rec: PacketRecord): void;
  error(err: ReadError): void;
}

export type CaptureFormat =
  | "pcap"
  | "pcap-nsec"
  /** libpcap with Kuznetzov's 24-byte record headers (magic 0xa1b2cd34). */
  | "pcap-modified"
  | "pcapng"
  | "netmon"
  | "etl";

export type Compression = "none" | "gzip" | "zstd";

export interface ReadSummary {
  file: string;
  /** "unknown" when no reader recognised the file (the errors say why). */
  format: CaptureFormat | "unknown";
  compression: Compression;
  /** Bytes of the file as stored (compressed size for compressed files). */
  fileBytes: number;
  packets: number;
  errors: ReadError[];
  /** Facts about the file worth showing (e.g. "NetMon 2.1: times are local, zone unknown"). */
  notes: string[];
  /** True when `ReadOptions.signal` stopped the read before the end of the file. */
  cancelled: boolean;
}

export interface ReadOptions {
  /** Called now and then with the stored-file bytes consumed and packets read so far. */
  onProgress?: (bytesRead: number, packets: number) => void;
  signal?: AbortSignal;
  /** Bytes per read from the source (default SLICE_BYTES in source-cursor.ts); small values test slice boundaries. */
  sliceBytes?: number;
  /**
   * Minutes east of UTC of the clock that wrote a file whose times are local with no zone
   * (NetMon before 2.3). Without it such times are read as if they were UTC, and the read
   * summary says so.
   */
  localTimeOffsetMinutes?: number;
}

/** What a FormatReader resolves with. */
export interface FormatReadResult {
  format: CaptureFormat;
  /** Facts worth showing about the file (see ReadSummary.notes). */
  notes: string[];
  /** Stopped by `ReadOptions.signal` before the end (readers that stop at a slice fetch reject instead). */
  cancelled?: boolean;
}

/** One capture file format: pcap.ts, pcapng.ts, netmon.ts, etl.ts each export one. */
export interface FormatReader {
  readonly format: CaptureFormat;
  /** Needs random access (reads a frame table or sorts buffers); gets a buffered source when the file is compressed. */
  readonly randomAccess: boolean;
  /** True when `head` (the file's first 128 bytes, fewer only when the file is shorter) starts like this format: its magic, or for ETL its first buffer header and record marker. */
  sniff(head: Uint8Array): boolean;
  /**
   * Reads every record into `sink`, in the order the packets should be numbered. Never
   * throws on bad input: reports it through sink.error and keeps what could be read.
   */
  read(input: ByteSource, sink: RecordSink, opts: ReadOptions): Promise<FormatReadResult>;
}
