"""Agendas of the demo meetings and, for meetings already held, their results: who was there,
how each faction voted, and the resolution texts."""

from __future__ import annotations

import datetime
import random
from collections import Counter
from collections.abc import Sequence

from sessions.models import Meeting

from .boards import BOARDS, COUNCIL, FACTIONS
from .plan import ConsultationPlan, ItemPlan, MeetingPlan
from .topics import ANFRAGE, DECISION_TYPES
from .town import Seat

NOTICE_TYPES = ("Mitteilung", "Informationsvorlage", "Bericht")


def build_agendas(
    meetings: Sequence[MeetingPlan],
    *,
    seats: dict[str, list[Seat]],
    chairs: dict[str, tuple[str, bool]],
    rng: random.Random,
) -> None:
    """Fill `items` (numbered, ordered, with results where held) and `participants`."""
    previous: dict[str, MeetingPlan] = {}
    for meeting in sorted(meetings, key=lambda m: m.start):
        _agenda(meeting, previous.get(meeting.board))
        if meeting.state == Meeting.State.COMPLETED:
            _results(meeting, seats[meeting.board], chairs[meeting.board], rng)
        if meeting.state != Meeting.State.CANCELLED:
            previous[meeting.board] = meeting


def _agenda(meeting: MeetingPlan, previous: MeetingPlan | None) -> None:
    council = meeting.board == COUNCIL
    minutes = (
        f"über die {previous.number}. Sitzung vom {previous.start:%d.%m.%Y}"
        if previous
        else "über die letzte Sitzung"
    )
    sender = "der Bürgermeisterin" if council else "der Verwaltung"
    consultations = sorted(meeting.consultations, key=lambda c: c.paper.reference)
    here = {id(c.paper) for c in consultations}
    notices, decisions, questions, private = [], [], [], []
    answers: dict[int, ConsultationPlan] = {}
    for consultation in consultations:
        paper = consultation.paper
        asked = [p for p in paper.related if p.topic.paper_type == ANFRAGE and id(p) in here]
        if not paper.topic.public:
            private.append(consultation)
        elif asked:
            # An answer given in the meeting that has the question follows it directly.
            answers[id(asked[0])] = consultation
        elif paper.topic.paper_type in NOTICE_TYPES:
            notices.append(consultation)
        elif paper.topic.paper_type == ANFRAGE:
            questions.append(consultation)
        else:
            decisions.append(consultation)
    items = [
        ItemPlan(
            "Eröffnung der Sitzung, Feststellung der ordnungsgemäßen Einladung und der "
            "Beschlussfähigkeit",
            True,
            "Ö 1",
        ),
        ItemPlan(f"Genehmigung der Niederschrift {minutes} – öffentlicher Teil", True, "Ö 2"),
        ItemPlan(f"Mitteilungen {sender}", True, "Ö 3"),
    ]
    items += [_paper_item(c, f"Ö 3.{i}") for i, c in enumerate(notices, start=1)]
    for number, consultation in enumerate(decisions + questions, start=4):
        items.append(_paper_item(consultation, f"Ö {number}"))
        if id(consultation.paper) in answers:
            items.append(_paper_item(answers[id(consultation.paper)], f"Ö {number}.1"))
    items += [
        ItemPlan(f"Genehmigung der Niederschrift {minutes} – nichtöffentlicher Teil", False, "N 1"),
        ItemPlan(f"Mitteilungen {sender} (nichtöffentlich)", False, "N 2"),
    ]
    items += [_paper_item(c, f"N {i}") for i, c in enumerate(private, start=3)]
    for order, item in enumerate(items, start=1):
        item.order = order
    meeting.items = items


def _paper_item(consultation: ConsultationPlan, number: str) -> ItemPlan:
    item = ItemPlan(
        consultation.paper.topic.subject,
        consultation.paper.topic.public,
        number,
        consultation=consultation,
    )
    consultation.item = item
    return item


def _results(
    meeting: MeetingPlan, seats: list[Seat], chair: tuple[str, bool], rng: random.Random
) -> None:
    board = BOARDS[meeting.board]
    voters = [s for s in seats if s.voting]
    absent = {id(s) for s in rng.sample(voters, rng.randint(0, min(3, len(voters) // 5)))}
    present = [s for s in seats if id(s) not in absent]
    meeting.participants = [s.person.pk for s in present]
    present_voters = [s for s in present if s.voting]
    clock = meeting.start
    chair_name, female = chair
    for item in meeting.items:
        item.start = clock
        consultation = item.consultation
        if consultation is None:
            minutes = rng.randint(2, 8)
            item.result, item.resolution = _formal(item, chair_name, female, clock)
        else:
            minutes = rng.randint(4, 25)
            item.result, item.resolution = _decide(consultation, present_voters, board.name, rng)
        clock += datetime.timedelta(minutes=minutes)
        item.end = clock
    meeting.end = clock + datetime.timedelta(minutes=5)


def _formal(item: ItemPlan, chair: str, female: bool, clock: datetime.datetime) -> tuple[str, str]:
    title = "Die Vorsitzende" if female else "Der Vorsitzende"
    if item.number == "Ö 1":
        return "festgestellt", (
            f"{title} {chair} eröffnet die Sitzung um {clock:%H:%M} Uhr, begrüßt die Anwesenden "
            "und stellt die ordnungsgemäße Einladung sowie die Beschlussfähigkeit fest."
        )
    if item.name.startswith("Genehmigung"):
        return "einstimmig genehmigt", "Die Niederschrift wird ohne Änderungen genehmigt."
    return "zur Kenntnis genommen", "Die Mitteilungen werden zur Kenntnis genommen."


def _decide(
    consultation: ConsultationPlan, voters: list[Seat], board: str, rng: random.Random
) -> tuple[str, str]:
    paper = consultation.paper
    topic = paper.topic
    if topic.paper_type not in DECISION_TYPES:
        kind = "Die Anfrage wird" if topic.paper_type == ANFRAGE else "Die Vorlage wird"
        return "zur Kenntnis genommen", f"{kind} zur Kenntnis genommen."
    final = consultation.final
    outcome = paper.outcome if final else rng.choice(("pass", "pass", "pass-majority"))
    if outcome == "adjourn":
        faction = rng.choice(FACTIONS).name
        return (
            "vertagt",
            f"Die Beratung wird auf Antrag der {faction} auf die nächste Sitzung vertagt.",
        )
    decider = BOARDS[paper.consultations[-1].meeting.board].name
    if outcome == "pass":
        yes, no, abstain = len(voters), 0, 0
    else:
        yes, no, abstain = _votes(voters, paper.faction, outcome == "fail", rng)
    counts = f"(Ja {yes}, Nein {no}, Enthaltung {abstain})"
    if yes <= no:
        rejected = (
            "Der Antrag wird abgelehnt."
            if topic.paper_type != "Beschlussvorlage"
            else ("Der Beschlussvorschlag der Verwaltung findet keine Mehrheit.")
        )
        return f"abgelehnt {counts}", rejected
    verb = "beschlossen" if final else "empfohlen"
    result = f"einstimmig {verb}" if no == 0 and abstain == 0 else f"mehrheitlich {verb} {counts}"
    if final:
        return result, f"Der {board} beschließt:\n{topic.proposal}"
    return (
        result,
        f"Der {board} empfiehlt dem {decider}, wie folgt zu beschließen:\n{topic.proposal}",
    )


def _votes(
    voters: list[Seat], proposer: str, fail: bool, rng: random.Random
) -> tuple[int, int, int]:
    """Yes, no and abstentions when whole factions vote together (the chair votes yes)."""
    strength = Counter(s.faction for s in voters if s.faction)
    others = sorted((f for f in strength if f != proposer), key=lambda f: -strength[f])
    # A motion fails against the two largest other factions; otherwise one small one objects.
    against = set(others[:2]) if fail else set(rng.sample(others[2:] or others[-1:], 1))
    rest = [f for f in others if f not in against]
    abstaining = {rng.choice(rest)} if rest and rng.random() < 0.4 else set()
    no = sum(strength[f] for f in against)
    abstain = sum(strength[f] for f in abstaining)
    return len(voters) - no - abstain, no, abstain
