// The first page: what Parallax does, the drop zone, the formats it reads, and the demo.
import { useState } from "react";
import { openDemo } from "../state/engine";
import { DropZone } from "./DropZone";

export function Landing() {
  const [demoError, setDemoError] = useState<string | null>(null);
  return (
    <div className="scroll-page">
      <div className="landing">
        <h1>Compare two captures of the same traffic</h1>
        <p>
          Give Parallax a capture taken on the client side and one taken on the server side (or at any two points of
          the path, across NAT). It pairs the sessions, estimates the clock offset between the captures, and shows which
          packets were lost, injected, delayed or rewritten on the way.
        </p>
        <DropZone />
        <p className="privacy">Your files never leave the browser: they are read and compared on this machine.</p>
        <p className="formats">
          Reads pcap (µs and ns), pcapng, Network Monitor 2.x (.cap) and Windows ETL (netsh trace, pktmon), also
          gzip- or zstd-compressed. Link types: Ethernet (802.1Q, QinQ, MPLS), Linux cooked (SLL, SLL2), raw IP,
          BSD loopback, NFLOG; VXLAN, GENEVE, GRE and ERSPAN mirrors are decoded to the inner packet.
        </p>
        <div>
          <button
            type="button"
            className="primary"
            data-testid="open-demo"
            onClick={() => openDemo().catch((err: unknown) => setDemoError(String(err)))}
          >
            Open the demo
          </button>{" "}
          <span className="formats">a client/server pair captured through a real NAT router (lab scenario clean-nat)</span>
        </div>
        {demoError && <div className="error-box">{demoError}</div>}
      </div>
    </div>
  );
}
