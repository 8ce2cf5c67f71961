"""NATO membership by date, read from ``shapes/nato_members.csv``."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from geoincidents.errors import DataError


@dataclass(frozen=True, slots=True)
class Member:
    """One member state: accession date and, when only part of today's territory joined at
    accession, the date from which all of it is covered (Germany: 1990-10-03)."""

    iso3: str
    name: str
    accession: dt.date
    whole_territory_from: dt.date | None = None
    note: str = ""


class NatoMembership:
    """Answers "was this state a NATO member on that date?"."""

    def __init__(self, members: list[Member]) -> None:
        self._members = {m.iso3: m for m in members}

    @classmethod
    def from_csv(cls, path: str | Path) -> NatoMembership:
        """Read ``iso3,name,accession_date[,whole_territory_from,note]`` rows."""
        members = []
        try:
            with open(path, newline="", encoding="utf-8") as fh:
                for line, row in enumerate(csv.DictReader(fh), start=2):
                    try:
                        whole = (row.get("whole_territory_from") or "").strip()
                        members.append(Member(
                            iso3=row["iso3"].strip(),
                            name=row["name"].strip(),
                            accession=dt.date.fromisoformat(row["accession_date"].strip()),
                            whole_territory_from=dt.date.fromisoformat(whole) if whole else None,
                            note=(row.get("note") or "").strip(),
                        ))
                    except (KeyError, ValueError, AttributeError) as err:
                        raise DataError(f"{path} line {line}: bad membership row ({err})") from err
        except OSError as err:
            raise DataError(f"cannot read NATO membership table {path}: {err.strerror}") from err
        return cls(members)

    @classmethod
    def default(cls) -> NatoMembership:
        from geoincidents.paths import shapes_dir

        return cls.from_csv(shapes_dir() / "nato_members.csv")

    def __contains__(self, iso3: object) -> bool:
        return iso3 in self._members

    def get(self, iso3: str) -> Member | None:
        return self._members.get(iso3)

    def is_member(self, iso3: str | None, on: dt.date | None = None) -> bool | None:
        """True/False for a state on a date (today when ``on`` is None); None when unknown:
        the date falls in a period when only part of the state's present territory was covered."""
        if iso3 is None:
            return False
        member = self._members.get(iso3)
        on = on or dt.date.today()
        if member is None or on < member.accession:
            return False
        if member.whole_territory_from is not None and on < member.whole_territory_from:
            return None
        return True

    def members_on(self, on: dt.date | None = None) -> frozenset[str]:
        """States whose whole present territory was NATO on the date (partial members excluded)."""
        return frozenset(m for m in self._members if self.is_member(m, on))

    def eras(self) -> list[dt.date]:
        """Sorted dates on which membership changed; the set is constant between two of them."""
        days = {m.accession for m in self._members.values()}
        days |= {m.whole_territory_from for m in self._members.values() if m.whole_territory_from}
        return sorted(days)
