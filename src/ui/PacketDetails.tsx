// Packet details of the selected aligned row: both copies dissected field by field and as
// hex dumps, fields and bytes that differ between the copies highlighted.
import { useEffect, useState } from "react";
import { useDiff } from "../state/diff";
import { match } from "../state/engine";
import { track } from "../state/busy";
import { useView } from "../state/view";
import type { PacketCopy, PacketDetails } from "../worker-api/match-api";

export function PacketDetailsPane({ sessionId }: { sessionId: number }) {
  const version = useDiff((s) => s.version);
  const selected = useView((s) => s.selectedRow);
  const [details, setDetails] = useState<PacketDetails | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    if (selected === null) {
      setDetails(null);
      return;
    }
    let current = true;
    track(match().getPacketDetails(version, sessionId, selected)).then(
      (d) => {
        if (!current) return;
        setDetails(d);
        setFailure(null);
      },
      (err: unknown) => current && setFailure(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      current = false;
    };
  }, [version, sessionId, selected]);

  if (failure) return <div className="details"><div className="placeholder error-box">{failure}</div></div>;
  if (!details) return <div className="details"><div className="placeholder">Select a row to see both copies of the packet, field by field.</div></div>;
  return (
    <div className="details" data-testid="packet-details">
      <CopyPane label="A" copy={details.a} />
      <CopyPane label="B" copy={details.b} />
    </div>
  );
}

function CopyPane({ label, copy }: { label: string; copy: PacketCopy | null }) {
  if (!copy) return <div className="pane"><h3>{label}: not in this capture</h3></div>;
  return (
    <div className="pane" data-testid={`details-${label.toLowerCase()}`}>
      <h3>
        {label}: frame {copy.frame}, {copy.bytes.length} bytes captured
      </h3>
      <Differences copy={copy} />
      <div className="tree">
        {copy.fields.map((f, i) => (
          <div
            key={i}
            className={`node${f.changed ? " changed" : ""}`}
            data-testid={f.changed ? "changed-field" : undefined}
            data-field={f.name}
            title={f.name}
          >
            {"  ".repeat(f.depth)}
            {f.label}
          </div>
        ))}
      </div>
      <HexDump bytes={copy.bytes} changed={copy.changedBytes} />
    </div>
  );
}

/** The names of the fields that differ from the other copy, so they need not be hunted down the tree. */
function Differences({ copy }: { copy: PacketCopy }) {
  const names = [...new Set(copy.fields.filter((f) => f.changed).map((f) => f.name))];
  if (names.length === 0) return null;
  return (
    <div className="muted" data-testid="differences">
      Differs from the other copy: {names.join(", ")}
    </div>
  );
}

function HexDump({ bytes, changed }: { bytes: Uint8Array; changed: number[] }) {
  const marked = new Set(changed);
  const lines = [];
  for (let line = 0; line < bytes.length; line += 16) {
    const cells = [];
    let text = "";
    for (let i = line; i < Math.min(line + 16, bytes.length); i++) {
      const b = bytes[i];
      cells.push(
        <span key={i} className={`b${marked.has(i) ? " changed" : ""}`} data-testid={marked.has(i) ? "changed-byte" : undefined}>
          {b.toString(16).padStart(2, "0")}
        </span>,
        i % 16 === 7 ? "  " : " ",
      );
      text += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".";
    }
    lines.push(
      <div key={line}>
        <span className="off">{line.toString(16).padStart(4, "0")}</span> {cells}
        {"   ".repeat(16 - (cells.length >> 1))} {text}
      </div>,
    );
  }
  return <div className="hex">{lines}</div>;
}
