// Who decodes what comes next: fills the registry's tables (link types from
// https://www.tcpdump.org/linktypes.html, IEEE ethertypes, IANA protocol numbers and ports).

import { decodeArp } from "./arp";
import { decodeEthernet } from "./ethernet";
import { decodeGeneve, GENEVE_PORT } from "./geneve";
import { decodeGre, IP_PROTOCOL_GRE } from "./gre";
import { decodeIcmp, IP_PROTOCOL_ICMP } from "./icmp";
import { decodeIcmpv6, IP_PROTOCOL_ICMPV6 } from "./icmpv6";
import { decodeIpv4, ETHERTYPE_IPV4 } from "./ipv4";
import { decodeIpv6, ETHERTYPE_IPV6 } from "./ipv6";
import { decodeMpls } from "./mpls";
import { decodeNflog } from "./nflog";
import { decodeLoop, decodeNull } from "./null";
import { decodePpp } from "./ppp";
import { decodeRawIp } from "./raw";
import { byEthertype, byIpProtocol, byLinkType, byUdpPort } from "./registry";
import { decodeSll } from "./sll";
import { decodeSll2 } from "./sll2";
import { decodeTcp, IP_PROTOCOL_TCP } from "./tcp";
import { decodeUdp, IP_PROTOCOL_UDP } from "./udp";
import { decodeVlan, ETHERTYPE_QINQ, ETHERTYPE_QINQ_OLD, ETHERTYPE_VLAN } from "./vlan";
import { decodeVxlan, VXLAN_PORT } from "./vxlan";

export const LinkType = {
  NULL: 0,
  ETHERNET: 1,
  PPP: 9,
  /** DLT_RAW as most systems number it, and as OpenBSD does. */
  RAW_DLT_12: 12,
  RAW_DLT_14: 14,
  PPP_HDLC: 50,
  RAW: 101,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  NFLOG: 239,
  LINUX_SLL2: 276,
} as const;

byLinkType.set(LinkType.NULL, decodeNull);
byLinkType.set(LinkType.ETHERNET, decodeEthernet);
byLinkType.set(LinkType.PPP, decodePpp);
byLinkType.set(LinkType.PPP_HDLC, decodePpp);
byLinkType.set(LinkType.RAW_DLT_12, decodeRawIp);
byLinkType.set(LinkType.RAW_DLT_14, decodeRawIp);
byLinkType.set(LinkType.RAW, decodeRawIp);
byLinkType.set(LinkType.LOOP, decodeLoop);
byLinkType.set(LinkType.LINUX_SLL, decodeSll);
byLinkType.set(LinkType.IPV4, decodeIpv4);
byLinkType.set(LinkType.IPV6, decodeIpv6);
byLinkType.set(LinkType.NFLOG, decodeNflog);
byLinkType.set(LinkType.LINUX_SLL2, decodeSll2);

byEthertype.set(ETHERTYPE_IPV4, decodeIpv4);
byEthertype.set(ETHERTYPE_IPV6, decodeIpv6);
byEthertype.set(0x0806, decodeArp);
byEthertype.set(ETHERTYPE_VLAN, decodeVlan);
byEthertype.set(ETHERTYPE_QINQ, decodeVlan);
byEthertype.set(ETHERTYPE_QINQ_OLD, decodeVlan);
byEthertype.set(0x8847, decodeMpls);
byEthertype.set(0x8848, decodeMpls);

byIpProtocol.set(IP_PROTOCOL_TCP, decodeTcp);
byIpProtocol.set(IP_PROTOCOL_UDP, decodeUdp);
byIpProtocol.set(IP_PROTOCOL_ICMP, decodeIcmp);
byIpProtocol.set(IP_PROTOCOL_ICMPV6, decodeIcmpv6);
byIpProtocol.set(IP_PROTOCOL_GRE, decodeGre);

byUdpPort.set(VXLAN_PORT, decodeVxlan);
byUdpPort.set(GENEVE_PORT, decodeGeneve);

