"""Per-address counters of failures in a sliding window (sign-in, tutor links), kept in the process's memory."""

from __future__ import annotations

import time
from collections import defaultdict, deque


class Limiteur:
    """At most ``essais`` failures per address in ``fenetre`` seconds."""

    def __init__(self, essais: int, fenetre: float):
        self.essais, self.fenetre = essais, fenetre
        self._echecs: dict[str, deque[float]] = defaultdict(deque)

    def recents(self, adresse: str) -> int:
        file = self._echecs[adresse]
        limite = time.monotonic() - self.fenetre
        while file and file[0] < limite:
            file.popleft()
        return len(file)

    def bloque(self, adresse: str) -> bool:
        return self.recents(adresse) >= self.essais

    def echec(self, adresse: str) -> None:
        self._echecs[adresse].append(time.monotonic())

    def oublier(self, adresse: str | None = None) -> None:
        if adresse is None:
            self._echecs.clear()
        else:
            self._echecs.pop(adresse, None)


# Wrong, expired or revoked tutor links from one address: 10 in 15 minutes, then every link is refused there.
LIENS_TUTEURS = Limiteur(10, 15 * 60)
# Wrong, expired or revoked links to a student's extract (passeport.services.extraits): the same rule.
LIENS_EXTRAITS = Limiteur(10, 15 * 60)
