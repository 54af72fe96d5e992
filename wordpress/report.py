"""What an import did, kind by kind, and every item it left out with the reason."""

from collections import defaultdict
from dataclasses import dataclass, field

KINDS = ("authors", "topics", "pictures", "articles", "pages", "replies")


@dataclass
class Counts:
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0


@dataclass
class Report:
    site: str = ""
    dry_run: bool = False
    counts: dict[str, Counts] = field(default_factory=lambda: {k: Counts() for k in KINDS})
    # reason -> the items it applies to ("post 12 “Title”")
    skipped: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    # what was changed on the way in -> the items it applies to
    notes: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    pingbacks: int = 0

    def skip(self, kind: str, item: str, reason: str) -> None:
        self.counts[kind].skipped += 1
        self.skipped[reason].append(item)

    def note(self, item: str, what: str) -> None:
        self.notes[what].append(item)

    def lines(self) -> list[str]:
        verb = "Would import" if self.dry_run else "Imported"
        out = [f"{verb} from {self.site or 'the export'}:"]
        out.append(f"  {'':<10}{'new':>9}{'updated':>9}{'unchanged':>11}{'skipped':>9}")
        for kind in KINDS:
            c = self.counts[kind]
            out.append(f"  {kind:<10}{c.imported:>9}{c.updated:>9}{c.unchanged:>11}{c.skipped:>9}")
        if self.pingbacks:
            out.append(f"  Pingbacks and trackbacks skipped: {self.pingbacks}")
        for title, groups in (("Skipped", self.skipped), ("Changed on the way in", self.notes)):
            if groups:
                out.append(f"{title}:")
                for reason, items in sorted(groups.items()):
                    out.append(f"  {reason} ({len(items)}):")
                    out.extend(f"    {item}" for item in items)
        if self.dry_run:
            out.append("Dry run: nothing was written.")
        return out
