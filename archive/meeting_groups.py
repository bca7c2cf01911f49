"""Search hits grouped by meeting, in the order of each meeting's best-ranked hit: the web's result
list (by document, so a meeting's language versions and format copies show once) and the CLI's (by
report)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from index import Hit


@dataclass
class MeetingGroup:
    """The hits of one report, in the order the search ranked them."""

    report_id: str
    first: Hit  # carries the meeting fields (title, city, date, body) shared by the group
    hits: list[Hit] = field(default_factory=list)

    @property
    def others(self) -> list[Hit]:
        """The first hit of each other version or copy in the group (another language or format)."""
        seen = {self.report_id}
        found = []
        for hit in self.hits:
            if hit.report_id not in seen:
                seen.add(hit.report_id)
                found.append(hit)
        return found


def group_hits_by_meeting(hits: Iterable[Hit], group_of: Callable[[str], str] | None = None) -> list[MeetingGroup]:
    """Group hits by report -- or, with ``group_of`` (report id -> one id per document, archive.versions),
    by document, so a meeting's language versions and format copies show once; groups come in the order
    of their best-ranked hit."""
    groups: dict[str, MeetingGroup] = {}
    for hit in hits:
        key = group_of(hit.report_id) if group_of else hit.report_id
        group = groups.get(key)
        if group is None:
            group = groups[key] = MeetingGroup(hit.report_id, hit)
        group.hits.append(hit)
    return list(groups.values())
