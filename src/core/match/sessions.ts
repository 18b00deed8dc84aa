// Sessions from paired flows: which rows of each capture belong to which session and in
// which direction, replies from another address folded into their request's session (S4),
// and flows seen on one side only, told apart as "toward the other point" or local.

import type { Flow, FlowTable } from "../flows/flow-table";
import type { PacketTable } from "../model/packet-table";
import type { FlowPair } from "./pairing";

/**
 * The empty list every plan starts with, one for all (the session keeps the plan's lists):
 * most sessions never get an extra flow or a note, and 51k empty arrays cost 5 MB. Frozen,
 * so that a push into it fails instead of landing in every session; lists grow by copy.
 */
const NONE = Object.freeze([]) as unknown as never[];

export interface SessionPlan {
  id: number;
  /** Main flow in A and B (-1 when absent). */
  flowA: number;
  flowB: number;
  pair: FlowPair | null;
  /** Flows folded in (S4 replies), per capture. */
  extraA: number[];
  extraB: number[];
  notes: string[];
  /** One-sided session whose packets should have crossed the other capture point. */
  towardOther: boolean;
}

export interface SessionAssignment {
  plans: SessionPlan[];
  /**
   * Per flow of the capture: its session id (every flow has one). A row's session is that of
   * its flow (FlowTable.flowOfRow): one column per row less than a session per row.
   */
  sessionOfFlowA: Uint32Array;
  sessionOfFlowB: Uint32Array;
  /** Per row: 0 client-to-server, 1 server-to-client, in the session's orientation (A's flow decides). */
  directionOfA: Uint8Array;
  directionOfB: Uint8Array;
}

/** An (address, port) of one capture as one number: address ids are interned, one id per address text. */
function endpointKey(addr: number, port: number): number {
  return addr * 65536 + port;
}

function assignFlow(
  flows: FlowTable,
  f: number,
  session: number,
  flip: boolean,
  sessionOfFlow: Uint32Array,
  directionOf: Uint8Array,
): void {
  sessionOfFlow[f] = session;
  for (let k = flows.flowRowStart[f]; k < flows.flowRowStart[f + 1]; k++) {
    const row = flows.flowRows[k];
    directionOf[row] = flows.directionOfRow[row] ^ (flip ? 1 : 0);
  }
}

/** Rows of a folded reply flow: toward the session's client = server-to-client. */
function assignReply(
  table: PacketTable,
  flows: FlowTable,
  f: number,
  session: number,
  clientAddr: number,
  clientPort: number,
  sessionOfFlow: Uint32Array,
  directionOf: Uint8Array,
): void {
  const c = table.columns;
  sessionOfFlow[f] = session;
  for (let k = flows.flowRowStart[f]; k < flows.flowRowStart[f + 1]; k++) {
    const row = flows.flowRows[k];
    directionOf[row] = c.dst[row] === clientAddr && c.dstPort[row] === clientPort ? 1 : 0;
  }
}

export function planSessions(
  a: PacketTable,
  flowsA: FlowTable,
  b: PacketTable,
  flowsB: FlowTable,
  pairs: FlowPair[],
): SessionAssignment {
  const plans: SessionPlan[] = [];
  const sessionOfFlowA = new Uint32Array(flowsA.flows.length);
  const sessionOfFlowB = new Uint32Array(flowsB.flows.length);
  const directionOfA = new Uint8Array(a.count);
  const directionOfB = new Uint8Array(b.count);
  const pairedA = new Uint8Array(flowsA.flows.length);
  const pairedB = new Uint8Array(flowsB.flows.length);
  // Client endpoints of paired sessions, per capture: where an S4 reply is sent to.
  const clientEndpointsA = new Map<number, number>();
  const clientEndpointsB = new Map<number, number>();
  for (const pair of pairs) {
    const id = plans.length;
    plans.push({ id, flowA: pair.a, flowB: pair.b, pair, extraA: NONE, extraB: NONE, notes: NONE, towardOther: false });
    pairedA[pair.a] = 1;
    pairedB[pair.b] = 1;
    assignFlow(flowsA, pair.a, id, false, sessionOfFlowA, directionOfA);
    assignFlow(flowsB, pair.b, id, !pair.sameOrientation, sessionOfFlowB, directionOfB);
    const fa = flowsA.flows.at(pair.a);
    const fb = flowsB.flows.at(pair.b);
    clientEndpointsA.set(endpointKey(fa.clientAddr, fa.clientPort), id);
    const bClient = pair.sameOrientation ? [fb.clientAddr, fb.clientPort] : [fb.serverAddr, fb.serverPort];
    clientEndpointsB.set(endpointKey(bClient[0], bClient[1]), id);
  }

  const fold = (table: PacketTable, flows: FlowTable, paired: Uint8Array, clients: Map<number, number>, capture: 0 | 1) => {
    // Paired flows are passed over by index: most flows are, and a flow's object is made on asking.
    for (let f = 0; f < flows.flows.length; f++) {
      if (paired[f]) continue;
      const flow = flows.flows.at(f);
      if (flow.kind !== "udp" && flow.kind !== "tcp") continue;
      for (const [near, far] of [
        ["client", "server"],
        ["server", "client"],
      ] as const) {
        const nearAddr = near === "client" ? flow.clientAddr : flow.serverAddr;
        const nearPort = near === "client" ? flow.clientPort : flow.serverPort;
        const id = clients.get(endpointKey(nearAddr, nearPort));
        if (id === undefined) continue;
        const plan = plans[id];
        const main = capture === 0 ? flowsA.flows.at(plan.flowA) : flowsB.flows.at(plan.flowB);
        const farAddr = far === "client" ? flow.clientAddr : flow.serverAddr;
        const farPort = far === "client" ? flow.clientPort : flow.serverPort;
        const [mainClientAddr, mainClientPort, mainServerAddr, mainServerPort] = orientedEnds(main, capture, plan);
        if (main.kind !== flow.kind || farPort !== mainServerPort || farAddr === mainServerAddr) continue;
        paired[f] = 1;
        if (capture === 0) plan.extraA = [...plan.extraA, f];
        else plan.extraB = [...plan.extraB, f];
        assignReply(table, flows, f, id, mainClientAddr, mainClientPort, capture === 0 ? sessionOfFlowA : sessionOfFlowB, capture === 0 ? directionOfA : directionOfB);
        const other = table.addresses.text[farAddr];
        const asked = table.addresses.text[mainServerAddr];
        plan.notes = [
          ...plan.notes,
          `In capture ${capture === 0 ? "A" : "B"}, replies came from ${other} while the requests went to ${asked}: a reply from a different address than the request was sent to.`,
        ];
        break;
      }
    }
  };
  fold(a, flowsA, pairedA, clientEndpointsA, 0);
  fold(b, flowsB, pairedB, clientEndpointsB, 1);

  // One-sided flows: toward the other point when they talk to the servers (A) or from the NAT's address to the servers (B).
  const serverAddrsA = new Set<number>();
  const clientAddrsB = new Set<number>();
  const serverAddrsB = new Set<number>();
  for (const pair of pairs) {
    const fb = flowsB.flows.at(pair.b);
    serverAddrsA.add(flowsA.flows.at(pair.a).serverAddr);
    clientAddrsB.add(pair.sameOrientation ? fb.clientAddr : fb.serverAddr);
    serverAddrsB.add(pair.sameOrientation ? fb.serverAddr : fb.clientAddr);
  }
  for (let f = 0; f < flowsA.flows.length; f++) {
    if (pairedA[f]) continue;
    const id = plans.length;
    const towardOther = serverAddrsA.has(flowsA.flows.at(f).serverAddr);
    plans.push({ id, flowA: f, flowB: -1, pair: null, extraA: NONE, extraB: NONE, notes: NONE, towardOther });
    assignFlow(flowsA, f, id, false, sessionOfFlowA, directionOfA);
  }
  for (let f = 0; f < flowsB.flows.length; f++) {
    if (pairedB[f]) continue;
    const id = plans.length;
    const flow = flowsB.flows.at(f);
    const towardOther = clientAddrsB.has(flow.clientAddr) && serverAddrsB.has(flow.serverAddr);
    plans.push({ id, flowA: -1, flowB: f, pair: null, extraA: NONE, extraB: NONE, notes: NONE, towardOther });
    assignFlow(flowsB, f, id, false, sessionOfFlowB, directionOfB);
  }
  return { plans, sessionOfFlowA, sessionOfFlowB, directionOfA, directionOfB };
}

/** Client and server ends of a session's main flow in one capture, in the session's orientation. */
function orientedEnds(flow: Flow, capture: 0 | 1, plan: SessionPlan): [number, number, number, number] {
  const flipped = capture === 1 && plan.pair !== null && !plan.pair.sameOrientation;
  return flipped
    ? [flow.serverAddr, flow.serverPort, flow.clientAddr, flow.clientPort]
    : [flow.clientAddr, flow.clientPort, flow.serverAddr, flow.serverPort];
}
