// Who decodes what comes next: fills the registry's tables, for the column decoders and the
// field-by-field dissectors alike (link types from https://www.tcpdump.org/linktypes.html,
// IEEE ethertypes, IANA protocol numbers and ports).

import { decodeArp, dissectArp } from "./arp";
import { decodeEthernet, dissectEthernet } from "./ethernet";
import type { LayerDissector } from "./field-tree";
import { decodeGeneve, dissectGeneve, GENEVE_PORT } from "./geneve";
import { decodeGre, dissectGre, IP_PROTOCOL_GRE } from "./gre";
import { decodeIcmp, dissectIcmp, IP_PROTOCOL_ICMP } from "./icmp";
import { decodeIcmpv6, dissectIcmpv6, IP_PROTOCOL_ICMPV6 } from "./icmpv6";
import { decodeIpv4, dissectIpv4, ETHERTYPE_IPV4 } from "./ipv4";
import { decodeIpv6, dissectIpv6, ETHERTYPE_IPV6 } from "./ipv6";
import { decodeMpls, dissectMpls } from "./mpls";
import { decodeNflog, dissectNflog } from "./nflog";
import { decodeLoop, decodeNull, dissectLoop, dissectNull } from "./null";
import { decodePpp, dissectPpp } from "./ppp";
import { decodeRawIp, dissectRawIp } from "./raw";
import {
  byEthertype,
  byIpProtocol,
  byLinkType,
  byUdpPort,
  dissectorByEthertype,
  dissectorByIpProtocol,
  dissectorByLinkType,
  dissectorByUdpPort,
  type LayerDecoder,
} from "./registry";
import { decodeSll, dissectSll } from "./sll";
import { decodeSll2, dissectSll2 } from "./sll2";
import { decodeTcp, dissectTcp, IP_PROTOCOL_TCP } from "./tcp";
import { decodeUdp, dissectUdp, IP_PROTOCOL_UDP } from "./udp";
import { decodeVlan, dissectServiceTag, dissectVlan, ETHERTYPE_QINQ, ETHERTYPE_QINQ_OLD, ETHERTYPE_VLAN } from "./vlan";
import { decodeVxlan, dissectVxlan, VXLAN_PORT } from "./vxlan";

const LinkType = {
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

type Tables = [Map<number, LayerDecoder> | (LayerDecoder | undefined)[], Map<number, LayerDissector>];
const LINK: Tables = [byLinkType, dissectorByLinkType];
const ETHERTYPE: Tables = [byEthertype, dissectorByEthertype];
const IP_PROTOCOL: Tables = [byIpProtocol, dissectorByIpProtocol];
const UDP_PORT: Tables = [byUdpPort, dissectorByUdpPort];

function register([decoders, dissectors]: Tables, keys: number[], decode: LayerDecoder, dissect: LayerDissector): void {
  for (const key of keys) {
    if (decoders instanceof Map) decoders.set(key, decode);
    else decoders[key] = decode;
    dissectors.set(key, dissect);
  }
}

register(LINK, [LinkType.NULL], decodeNull, dissectNull);
register(LINK, [LinkType.ETHERNET], decodeEthernet, dissectEthernet);
register(LINK, [LinkType.PPP, LinkType.PPP_HDLC], decodePpp, dissectPpp);
register(LINK, [LinkType.RAW_DLT_12, LinkType.RAW_DLT_14, LinkType.RAW], decodeRawIp, dissectRawIp);
register(LINK, [LinkType.LOOP], decodeLoop, dissectLoop);
register(LINK, [LinkType.LINUX_SLL], decodeSll, dissectSll);
register(LINK, [LinkType.IPV4], decodeIpv4, dissectIpv4);
register(LINK, [LinkType.IPV6], decodeIpv6, dissectIpv6);
register(LINK, [LinkType.NFLOG], decodeNflog, dissectNflog);
register(LINK, [LinkType.LINUX_SLL2], decodeSll2, dissectSll2);

register(ETHERTYPE, [ETHERTYPE_IPV4], decodeIpv4, dissectIpv4);
register(ETHERTYPE, [ETHERTYPE_IPV6], decodeIpv6, dissectIpv6);
register(ETHERTYPE, [0x0806], decodeArp, dissectArp);
register(ETHERTYPE, [ETHERTYPE_VLAN], decodeVlan, dissectVlan);
register(ETHERTYPE, [ETHERTYPE_QINQ, ETHERTYPE_QINQ_OLD], decodeVlan, dissectServiceTag);
register(ETHERTYPE, [0x8847, 0x8848], decodeMpls, dissectMpls);

register(IP_PROTOCOL, [IP_PROTOCOL_TCP], decodeTcp, dissectTcp);
register(IP_PROTOCOL, [IP_PROTOCOL_UDP], decodeUdp, dissectUdp);
register(IP_PROTOCOL, [IP_PROTOCOL_ICMP], decodeIcmp, dissectIcmp);
register(IP_PROTOCOL, [IP_PROTOCOL_ICMPV6], decodeIcmpv6, dissectIcmpv6);
register(IP_PROTOCOL, [IP_PROTOCOL_GRE], decodeGre, dissectGre);

register(UDP_PORT, [VXLAN_PORT], decodeVxlan, dissectVxlan);
register(UDP_PORT, [GENEVE_PORT], decodeGeneve, dissectGeneve);
