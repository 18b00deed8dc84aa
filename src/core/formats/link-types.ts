// Names of the LINKTYPE_* values (https://www.tcpdump.org/linktypes.html) that capture files
// carry: the libpcap DLT name, Wireshark's short encapsulation name (as capinfos -E prints it).

export interface LinkTypeName {
  /** libpcap name without the DLT_ prefix, e.g. "EN10MB". */
  dlt: string;
  /** Wireshark's encapsulation short name, e.g. "ether". */
  wireshark: string;
  description: string;
}

const table: Record<number, LinkTypeName> = {
  0: { dlt: "NULL", wireshark: "null", description: "BSD loopback" },
  1: { dlt: "EN10MB", wireshark: "ether", description: "Ethernet" },
  6: { dlt: "IEEE802", wireshark: "tr", description: "Token Ring" },
  8: { dlt: "SLIP", wireshark: "slip", description: "SLIP" },
  9: { dlt: "PPP", wireshark: "ppp", description: "PPP" },
  10: { dlt: "FDDI", wireshark: "fddi", description: "FDDI" },
  // OpenBSD and BSD/OS wrote their DLT_RAW values into files; Wireshark reads both as raw IP.
  12: { dlt: "RAW", wireshark: "rawip", description: "Raw IP" },
  14: { dlt: "RAW", wireshark: "rawip", description: "Raw IP" },
  50: { dlt: "PPP_SERIAL", wireshark: "ppp", description: "PPP in HDLC-like framing" },
  51: { dlt: "PPP_ETHER", wireshark: "pppoes", description: "PPPoE session" },
  100: { dlt: "ATM_RFC1483", wireshark: "atm-rfc1483", description: "RFC 1483 LLC/SNAP over ATM" },
  101: { dlt: "RAW", wireshark: "rawip", description: "Raw IP" },
  104: { dlt: "C_HDLC", wireshark: "chdlc", description: "Cisco HDLC" },
  105: { dlt: "IEEE802_11", wireshark: "ieee-802-11", description: "IEEE 802.11 wireless" },
  106: { dlt: "ATM_CLIP", wireshark: "linux-atm-clip", description: "Linux classical IP over ATM" },
  107: { dlt: "FRELAY", wireshark: "frelay", description: "Frame Relay" },
  108: { dlt: "LOOP", wireshark: "loop", description: "OpenBSD loopback" },
  113: { dlt: "LINUX_SLL", wireshark: "linux-sll", description: "Linux cooked capture v1" },
  119: { dlt: "PRISM_HEADER", wireshark: "ieee-802-11-prism", description: "IEEE 802.11 plus Prism header" },
  123: { dlt: "SUNATM", wireshark: "atm-pdus", description: "SunATM" },
  127: { dlt: "IEEE802_11_RADIO", wireshark: "ieee-802-11-radiotap", description: "IEEE 802.11 plus radiotap header" },
  129: { dlt: "ARCNET_LINUX", wireshark: "arcnet_linux", description: "Linux ARCNET" },
  137: { dlt: "JUNIPER_ATM1", wireshark: "juniper-atm1", description: "Juniper ATM1 PIC" },
  // Reserved for private use; Parallax puts NetMon records that carry no packet on it (netmon.ts).
  147: { dlt: "USER0", wireshark: "user0", description: "Private use" },
  192: { dlt: "PPI", wireshark: "ppi", description: "Per-Packet Information" },
  195: { dlt: "IEEE802_15_4_WITHFCS", wireshark: "wpan", description: "IEEE 802.15.4 with FCS" },
  220: { dlt: "USB_LINUX_MMAPPED", wireshark: "usb-linux-mmap", description: "USB with Linux mmapped header" },
  228: { dlt: "IPV4", wireshark: "rawip4", description: "Raw IPv4" },
  229: { dlt: "IPV6", wireshark: "rawip6", description: "Raw IPv6" },
  230: { dlt: "IEEE802_15_4_NOFCS", wireshark: "wpan-nofcs", description: "IEEE 802.15.4 without FCS" },
  239: { dlt: "NFLOG", wireshark: "nflog", description: "Linux netfilter log" },
  249: { dlt: "NETLINK", wireshark: "linux-netlink", description: "Linux netlink" },
  276: { dlt: "LINUX_SLL2", wireshark: "linux-sll2", description: "Linux cooked capture v2" },
};

/** The names of a LINKTYPE_* value, or undefined for a value this table does not know. */
export function linkTypeName(linkType: number): LinkTypeName | undefined {
  return table[linkType];
}

/** Short label for output: the DLT name, or LINKTYPE_<n> for unknown values. */
export function linkTypeLabel(linkType: number): string {
  return table[linkType]?.dlt ?? `LINKTYPE_${linkType}`;
}
