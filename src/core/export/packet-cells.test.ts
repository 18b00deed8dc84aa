// The packet-list columns of the demo pair against tshark's (fixtures/expected/app/*.packet-list.txt).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { memorySource } from "../formats/memory-source";
import { readPacketTable } from "../model/packet-table-builder";
import { packetCells } from "./packet-cells";

const root = join(__dirname, "../../..");

describe("packet cells", () => {
  for (const side of ["client", "server"]) {
    it(`match tshark's columns for the first 400 frames of the demo ${side} capture`, async () => {
      const table = await readPacketTable(memorySource(readFileSync(join(root, "public/demo", `${side}.pcap`)), `${side}.pcap`));
      const lines = readFileSync(join(root, "fixtures/expected/app", `demo-${side}.packet-list.txt`), "utf8").trim().split("\n");
      expect(lines).toHaveLength(400);
      let tcpRows = 0;
      for (const line of lines) {
        const [frame, time, source, destination, protocol, length, info] = line.split("|");
        const cells = packetCells(table, Number(frame) - 1);
        expect(cells.frame).toBe(Number(frame));
        expect(cells.time).toBe(time.slice(0, time.indexOf(".") + 7));
        expect([cells.source, cells.destination]).toEqual([source, destination]);
        expect(cells.length).toBe(Number(length));
        // Application dissectors (DNS, HTTP, reassembly) are beyond the decoder: compare the
        // Info of TCP rows that tshark summarises at the TCP level.
        if (protocol === "TCP" && /^\d+ → \d+ /.test(info)) {
          tcpRows++;
          // info.ts names TCP data on port 8080 "HTTP" by port (its documented rule); tshark only where HTTP parses.
          expect(["TCP", "HTTP"]).toContain(cells.protocol);
          expect(cells.info).toBe(info.replace(" [TCP segment of a reassembled PDU]", ""));
        }
      }
      expect(tcpRows).toBeGreaterThan(50);
    });
  }
});
