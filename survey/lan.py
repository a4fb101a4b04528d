"""The machine's address on the local network, for QR codes phones can open."""
from __future__ import annotations

import ipaddress
import socket

# TEST-NET-1 (RFC 5737): never routed. connect() on a UDP socket sends
# nothing; it only asks the kernel which source address the default route
# would use, which is the address other devices on the network reach.
_PROBE = ("192.0.2.1", 9)


def address() -> str | None:
    """Return this machine's LAN IPv4 address, or None without a network (loopback only)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(_PROBE)
            found = probe.getsockname()[0]
    except OSError:  # no route: no network interface is up
        return None
    ip = ipaddress.ip_address(found)
    return None if ip.is_loopback or ip.is_unspecified else found
