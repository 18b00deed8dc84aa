// Wireshark display filters that select one session in one capture, e.g.
// `ip.addr==192.168.1.66 && tcp.port==46739 && ip.addr==10.1.1.7 && tcp.port==1433`.

interface Endpoint {
  address: string;
  port: number | null;
}

/** Parses "1.2.3.4:80", "[2001:db8::1]:443", "1.2.3.4" or "2001:db8::1" (ICMP endpoints carry no port). */
export function parseEndpoint(text: string): Endpoint {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) return { address: bracketed[1], port: bracketed[2] === undefined ? null : Number(bracketed[2]) };
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3})(?::(\d+))?$/.exec(text);
  if (v4) return { address: v4[1], port: v4[2] === undefined ? null : Number(v4[2]) };
  return { address: text, port: null };
}

export function wiresharkFilter(protocol: string, client: string, server: string): string {
  const ends = [parseEndpoint(client), parseEndpoint(server)];
  const terms: string[] = [];
  for (const end of ends) {
    terms.push(`${end.address.includes(":") ? "ipv6" : "ip"}.addr==${end.address}`);
    if (end.port !== null && (protocol === "tcp" || protocol === "udp")) terms.push(`${protocol}.port==${end.port}`);
  }
  if (protocol === "icmp" || protocol === "icmpv6") terms.push(protocol);
  return terms.join(" && ");
}
