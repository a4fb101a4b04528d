"""Network namespaces joined to this one by veth pairs, and relays to loopback services.

Each app host of the failover test lives in its own namespace with one veth
pair: the host side of the pair (10.77.X.1, in this namespace) and the
namespace side (10.77.X.2). Nothing else connects them, so the balancer
reaches a host only on its veth address, and a host reaches PostgreSQL and
Redis — which listen on 127.0.0.1 here — only through a relay bound to the
host-side address of its own pair. Names carry the pid, so parallel runs do
not collide; the subnet is the first 10.77.X.0/24 no interface uses yet.
"""
from __future__ import annotations

import asyncio
import ipaddress
import os
import subprocess
import threading
from dataclasses import dataclass


def ip(*args: str) -> str:
    done = subprocess.run(["ip", *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"ip {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


def free_subnet() -> int:
    """Return X such that no address of this namespace lies in 10.77.X.0/24."""
    used = {ipaddress.ip_interface(word).ip for line in ip("-4", "-o", "addr").splitlines()
            for i, word in enumerate(line.split()) if i > 0 and line.split()[i - 1] == "inet"}
    start = os.getpid() % 200
    for offset in range(250):
        x = (start + offset) % 250 + 1
        if not any(a in ipaddress.ip_network(f"10.77.{x}.0/24") for a in used):
            return x
    raise RuntimeError("no free 10.77.X.0/24 subnet")


@dataclass
class Namespace:
    """One network namespace and the veth pair that is its only way out."""

    name: str
    host_side: str   # address in this namespace
    inside: str      # address of the namespace's end

    @property
    def _veth(self) -> tuple[str, str]:
        return f"v{self.name[-9:]}h", f"v{self.name[-9:]}n"

    def create(self) -> None:
        outer, inner = self._veth
        ip("netns", "add", self.name)
        ip("link", "add", outer, "type", "veth", "peer", "name", inner, "netns", self.name)
        ip("addr", "add", f"{self.host_side}/30", "dev", outer)
        ip("link", "set", outer, "up")
        ip("-n", self.name, "addr", "add", f"{self.inside}/30", "dev", inner)
        ip("-n", self.name, "link", "set", inner, "up")
        ip("-n", self.name, "link", "set", "lo", "up")

    def delete(self) -> None:
        # Deleting the namespace removes its end of the pair, and so the pair.
        subprocess.run(["ip", "netns", "del", self.name], capture_output=True)
        subprocess.run(["ip", "link", "del", self._veth[0]], capture_output=True)

    def argv(self, command: list[str]) -> list[str]:
        """Return the command run inside the namespace (`ip netns exec` execs it: same pid)."""
        return ["ip", "netns", "exec", self.name, *command]


def namespaces(count: int, tag: str) -> list[Namespace]:
    """Plan `count` namespaces named for this process, one /30 each in a free /24."""
    x = free_subnet()
    return [Namespace(f"{tag}{os.getpid()}{chr(ord('a') + i)}", f"10.77.{x}.{4 * i + 1}",
                      f"10.77.{x}.{4 * i + 2}") for i in range(count)]


class Relay:
    """Forward TCP connections from (address, port) to a target, in a thread of its own."""

    def __init__(self, routes: list[tuple[str, int, str, int]]) -> None:
        self.routes = routes
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._servers: list[asyncio.base_events.Server] = []

    def start(self) -> None:
        self._thread.start()
        for listen, port, target, target_port in self.routes:
            self._servers.append(asyncio.run_coroutine_threadsafe(
                asyncio.start_server(self._handler(target, target_port), listen, port), self._loop).result(10))

    def _handler(self, target: str, port: int):
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            try:
                up_reader, up_writer = await asyncio.open_connection(target, port)
            except OSError:
                writer.close()
                return
            await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
        return handle

    def stop(self) -> None:
        async def close() -> None:
            for server in self._servers:
                server.close()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()
        if self._thread.is_alive():
            asyncio.run_coroutine_threadsafe(close(), self._loop).result(10)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (OSError, asyncio.CancelledError):
        pass
    finally:
        writer.close()
