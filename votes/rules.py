"""The voting rules of German municipal law as pure functions: who may vote, whether the
organization has a quorum, and whether a motion or an election succeeded. No ORM here; the
services feed plain numbers in and store the outcome, and the tests read as a table.

Decisions (documented in docs/live-session.md):
- Statutory members (gesetzliche Mitgliederzahl) come from `Organization.statutory_members`;
  where it is not set, the number of current memberships with voting right stands in.
- Quorum (Beschlussfähigkeit): more than half of the statutory members are present and
  eligible; a member with a conflict of interest counts as absent for the item.
- Simple majority: more yes than no; abstentions and invalid votes do not count; a tie
  rejects (e.g. § 50 Abs. 1 GO NRW, Art. 51 Abs. 1 BayGO).
- Majority of members present: yes from more than half of the eligible members present, so
  an abstention works like a no.
- Absolute majority: yes from more than half of the statutory members.
- Two-thirds majority: at least two thirds of the votes cast (yes + no, abstentions do not
  count), as rules of procedure usually word it; where a statute asks for two thirds of the
  statutory members (e.g. removing a mayor), `two_thirds_statutory` is that rule.
- Elections: the candidate with the most votes is elected; a tie for the most votes needs a
  run-off between the tied candidates. Abstentions never elect anyone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

SIMPLE = "simple"
PRESENT = "present"
ABSOLUTE = "absolute"
TWO_THIRDS = "two_thirds"
TWO_THIRDS_STATUTORY = "two_thirds_statutory"
METHODS = (SIMPLE, PRESENT, ABSOLUTE, TWO_THIRDS, TWO_THIRDS_STATUTORY)

YES = "yes"
NO = "no"
ABSTAIN = "abstain"
CHOICES = (YES, NO, ABSTAIN)


@dataclass(frozen=True)
class Member:
    person_id: int
    voting_right: bool
    present: bool
    conflicted: bool


def eligible(members: Iterable[Member]) -> frozenset[int]:
    """Persons who may vote: voting right, present, not conflicted on the item."""
    return frozenset(
        m.person_id for m in members if m.voting_right and m.present and not m.conflicted
    )


@dataclass(frozen=True)
class Quorum:
    statutory: int
    present_eligible: int

    @property
    def required(self) -> int:
        return self.statutory // 2 + 1

    @property
    def reached(self) -> bool:
        return self.present_eligible >= self.required

    @property
    def text(self) -> str:
        values = {
            "present": self.present_eligible,
            "statutory": self.statutory,
            "required": self.required,
        }
        if self.reached:
            return (
                _(
                    "Beschlussfähig: %(present)d von %(statutory)d Mitgliedern anwesend und "
                    "stimmberechtigt (erforderlich: %(required)d)."
                )
                % values
            )
        return (
            _(
                "Nicht beschlussfähig: nur %(present)d von %(statutory)d Mitgliedern anwesend "
                "und stimmberechtigt, erforderlich sind %(required)d."
            )
            % values
        )


def quorum(*, statutory: int, present_eligible: int) -> Quorum:
    """Whether more than half of the statutory members are present and eligible."""
    return Quorum(statutory=statutory, present_eligible=present_eligible)


@dataclass(frozen=True)
class Tally:
    yes: int = 0
    no: int = 0
    abstain: int = 0

    @property
    def cast(self) -> int:
        return self.yes + self.no + self.abstain

    @property
    def text(self) -> str:
        return _("%(yes)d Ja, %(no)d Nein, %(abstain)s") % {
            "yes": self.yes,
            "no": self.no,
            "abstain": abstentions(self.abstain),
        }


def abstentions(n: int) -> str:
    return ngettext("%(n)d Enthaltung", "%(n)d Enthaltungen", n) % {"n": n}


@dataclass(frozen=True)
class Outcome:
    accepted: bool
    method: str
    required: int
    text: str
    short: str


def _ceil_two_thirds(n: int) -> int:
    return -(-2 * n // 3)


def required_yes(*, method: str, tally: Tally, present: int, statutory: int) -> int:
    """The fewest yes votes that carry the motion under `method`."""
    if method == SIMPLE:
        return tally.no + 1
    if method == PRESENT:
        return present // 2 + 1
    if method == ABSOLUTE:
        return statutory // 2 + 1
    if method == TWO_THIRDS:
        return max(1, _ceil_two_thirds(tally.yes + tally.no))
    if method == TWO_THIRDS_STATUTORY:
        return max(1, _ceil_two_thirds(statutory))
    raise ValueError(f"unknown majority method {method!r}")


def method_text(method: str) -> str:
    """The rule in words, for result texts and forms."""
    return {
        SIMPLE: _("einfache Mehrheit (mehr Ja- als Nein-Stimmen, Enthaltungen zählen nicht)"),
        PRESENT: _("Mehrheit der anwesenden stimmberechtigten Mitglieder"),
        ABSOLUTE: _("Mehrheit der gesetzlichen Mitgliederzahl"),
        TWO_THIRDS: _("Zweidrittelmehrheit der abgegebenen Ja- und Nein-Stimmen"),
        TWO_THIRDS_STATUTORY: _("Zweidrittelmehrheit der gesetzlichen Mitgliederzahl"),
    }[method]


def motion_outcome(*, method: str, tally: Tally, present: int, statutory: int) -> Outcome:
    """Whether a motion is carried under `method`, with a German text naming the rule."""
    required = required_yes(method=method, tally=tally, present=present, statutory=statutory)
    accepted = tally.yes >= required
    values = {"tally": tally.text, "rule": method_text(method), "required": required}
    if accepted:
        short = _("angenommen")
        text = _("Angenommen (%(tally)s). Regel: %(rule)s; erforderlich: %(required)d Ja.")
    elif method == SIMPLE and tally.yes == tally.no:
        short = _("abgelehnt")
        text = _("Abgelehnt bei Stimmengleichheit (%(tally)s). Regel: %(rule)s.")
    else:
        short = _("abgelehnt")
        text = _("Abgelehnt (%(tally)s). Regel: %(rule)s; erforderlich: %(required)d Ja.")
    return Outcome(accepted, method, required, text % values, short)


@dataclass(frozen=True)
class ElectionOutcome:
    winner: int | None
    runoff: tuple[int, ...]
    text: str
    short: str


def election_outcome(
    *, votes: Mapping[int, int], names: Mapping[int, str], abstain: int = 0
) -> ElectionOutcome:
    """The candidate with the most votes is elected; a tie for the most needs a run-off."""
    best = max(votes.values(), default=0)
    if best == 0:
        text = _(
            "Keine gültigen Stimmen für eine Bewerberin oder einen Bewerber; niemand ist "
            "gewählt (%(abstain)s)."
        ) % {"abstain": abstentions(abstain)}
        return ElectionOutcome(None, (), text, _("niemand gewählt"))
    leaders = tuple(sorted(candidate for candidate, n in votes.items() if n == best))
    counts = ", ".join(f"{names[c]}: {n}" for c, n in sorted(votes.items(), key=lambda i: -i[1]))
    values: dict[str, object] = {
        "counts": counts,
        "abstain": abstentions(abstain),
        "votes": best,
    }
    if len(leaders) > 1:
        values["names"] = _(" und ").join(names[c] for c in leaders)
        text = (
            _(
                "Stimmengleichheit zwischen %(names)s mit je %(votes)d Stimmen: Stichwahl "
                "erforderlich (%(counts)s; %(abstain)s)."
            )
            % values
        )
        return ElectionOutcome(None, leaders, text, _("Stichwahl erforderlich"))
    values["name"] = names[leaders[0]]
    text = (
        _(
            "Gewählt ist %(name)s mit %(votes)d Stimmen (%(counts)s; %(abstain)s). "
            "Regel: die meisten Stimmen."
        )
        % values
    )
    return ElectionOutcome(leaders[0], (), text, _("gewählt: %(name)s") % values)
