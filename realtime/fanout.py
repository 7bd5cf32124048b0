"""One channel-layer member per process for each metrics group, handing every message to the process's sockets.

channels-redis wakes every member of a group for each message: each member's receive() runs two tasks and a
lock handover, so a thousand sockets in one daphne made each report cost it about half a second, and the
reports queued behind each other. Here each process (and event loop) joins a group once, with one channel of
its own, and calls its sockets directly; the layer sees one member per process.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from typing import Any, Protocol

logger = logging.getLogger(__name__)


class Member(Protocol):
    async def metrics_changed(self, message: dict[str, Any]) -> None: ...


class LocalGroups:
    """The groups this process's sockets watch, joined through one channel; messages are fanned out here."""

    refresh_s = 3600.0  # re-join well within the layer's group_expiry (a day by default)

    def __init__(self, layer: Any) -> None:
        self.layer = layer
        self.members: dict[str, set[Member]] = {}
        self.channel: str | None = None
        self._changing = asyncio.Lock()
        self._tasks: list[asyncio.Task[None]] = []

    async def join(self, group: str, member: Member) -> None:
        async with self._changing:
            if self.channel is None:
                self.channel = await self.layer.new_channel()
                self._tasks = [asyncio.create_task(self._receive()), asyncio.create_task(self._refresh())]
            if group not in self.members:
                self.members[group] = set()
                await self.layer.group_add(group, self.channel)
            self.members[group].add(member)

    async def leave(self, group: str, member: Member) -> None:
        async with self._changing:
            sockets = self.members.get(group)
            if sockets is None or member not in sockets:
                return
            sockets.discard(member)
            if not sockets:
                del self.members[group]
                await self.layer.group_discard(group, self.channel)
            if not self.members:  # the last socket left: stop receiving until one comes
                for task in self._tasks:
                    task.cancel()
                self.channel, self._tasks = None, []

    async def _receive(self) -> None:
        channel = self.channel
        while True:
            try:
                message = await self.layer.receive(channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("metrics fan-out: receive failed; retrying in 1 s")
                await asyncio.sleep(1)
                continue
            await self.deliver(message)

    async def deliver(self, message: dict[str, Any]) -> None:
        """Hand a message to the sockets of its group (to every socket if it names none)."""
        group = message.get("group")
        members = self.members.get(group, set()) if group else set().union(*self.members.values())
        for member in list(members):
            try:
                await member.metrics_changed(message)
            except Exception:
                logger.warning("metrics fan-out: a socket refused its report", exc_info=True)

    async def _refresh(self) -> None:
        while True:
            await asyncio.sleep(self.refresh_s)
            for group in list(self.members):
                await self.layer.group_add(group, self.channel)


_by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, LocalGroups] = weakref.WeakKeyDictionary()


def local_groups(layer: Any) -> LocalGroups:
    """This event loop's groups on `layer` (daphne runs one loop; each test its own)."""
    loop = asyncio.get_running_loop()
    groups = _by_loop.get(loop)
    if groups is None or groups.layer is not layer:
        groups = _by_loop[loop] = LocalGroups(layer)
    return groups
