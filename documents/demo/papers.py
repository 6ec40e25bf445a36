"""Which papers the demo town has, when they were written and where they are consulted."""

from __future__ import annotations

import datetime
import random
from collections import Counter, defaultdict
from collections.abc import Iterator

from django.utils import timezone

from sessions.models import Meeting

from . import topics_building as building
from . import topics_council as council
from .boards import FACTIONS
from .plan import ConsultationPlan, MeetingPlan, PaperPlan
from .topics import ANFRAGE, BV, DECISION_TYPES, Draw, Family, answer

# Per family: its function, its papers in the demo town, its relative frequency in the large
# town. A question brings its answer (a Mitteilung) along, so the demo's 56 draws make 60 papers.
FAMILIES: dict[str, tuple[Family, int, int]] = {
    "bplan": (building.bplan, 3, 6),
    "fnp": (building.land_use, 1, 1),
    "cycling": (building.cycling, 2, 3),
    "lighting": (building.lighting, 1, 2),
    "streets": (building.streets, 3, 6),
    "climate": (building.climate, 2, 3),
    "property": (building.property_deal, 3, 4),
    "award": (building.contract_award, 3, 5),
    "school": (council.school, 3, 5),
    "budget": (council.budget, 3, 3),
    "daycare": (council.daycare, 2, 4),
    "statutes": (council.statutes, 2, 3),
    "fire": (council.fire, 2, 2),
    "culture": (council.culture, 3, 5),
    "social": (council.social, 3, 5),
    "administration": (council.administration, 2, 2),
    "staff": (council.staff, 1, 1),
    "motion": (council.motion, 7, 8),
    "question": (council.question, 4, 5),
    "information": (council.information, 6, 8),
}
DEMO_DRAFTS = 2
MAX_GAP = datetime.timedelta(days=60)
# Questions are answered at the next meeting, or at the same one when the next is far off.
ANSWER_WITHIN = datetime.timedelta(days=70)


def _families(rng: random.Random, demo: bool) -> Iterator[str]:
    if demo:
        keys = [key for key, (_family, count, _weight) in FAMILIES.items() for _ in range(count)]
        rng.shuffle(keys)
        yield from keys
    keys, weights = list(FAMILIES), [weight for _family, _count, weight in FAMILIES.values()]
    while True:
        yield rng.choices(keys, weights)[0]


def plan_papers(
    *, rng: random.Random, meetings: list[MeetingPlan], count: int, today: datetime.date, demo: bool
) -> list[PaperPlan]:
    """`count` papers with dates, consultations, planned results and attachment kinds."""
    by_board: dict[str, list[MeetingPlan]] = defaultdict(list)
    for meeting in meetings:
        if meeting.state != Meeting.State.CANCELLED:
            by_board[meeting.board].append(meeting)
    chains = _Chains(by_board, today)
    seen: Counter[str] = Counter()
    papers: list[PaperPlan] = []
    families = _families(rng, demo)
    while len(papers) < count:
        key = next(families)
        if key == "question" and count - len(papers) < 2:
            continue
        faction = rng.choice(FACTIONS) if key in ("motion", "question") else None
        faction_name = faction.name if faction else ""
        # Topics are drawn twice from the same stream: first for the consultation path, then
        # again with the year of the first meeting ("Haushaltsplan 2027").
        stream, n = rng.getrandbits(64), seen[key]
        seen[key] += 1
        family = FAMILIES[key][0]
        path = family(Draw(random.Random(stream), n, today.year, faction_name)).path
        chain = chains.pick(path, rng)
        year = chain[0].start.year if chain else today.year
        topic = family(Draw(random.Random(stream), n, year, faction_name))
        paper = PaperPlan(len(papers), topic, faction.key if faction else "", today)
        papers.append(paper)
        _consult(paper, chain, rng, today)
        if topic.paper_type == ANFRAGE:
            reply = PaperPlan(len(papers), answer(topic), "", today)
            papers.append(reply)
            asked = chain[0] if chain else None
            follow = chains.next_meeting(asked) if asked else None
            _consult(reply, [follow or asked] if asked else [], rng, today)
            reply.date = max(reply.date, paper.date)
            paper.related.append(reply)
            reply.related.append(paper)
    for paper in papers:
        _attachments(paper, rng, demo)
        paper.published_at = _published(paper.date, today)
    _drafts(papers, DEMO_DRAFTS if demo else count // 300, rng, today)
    _references(papers, rng, demo)
    return papers


def _drafts(papers: list[PaperPlan], count: int, rng: random.Random, today: datetime.date) -> None:
    """Turn some resolution drafts back into work in progress: unpublished, on no agenda."""
    candidates = [p for p in papers if p.topic.paper_type == BV and p.topic.public]
    for paper in rng.sample(candidates, min(count, len(candidates))):
        for consultation in paper.consultations:
            consultation.meeting.consultations.remove(consultation)
        paper.consultations.clear()
        paper.outcome = "note"
        paper.date = today - datetime.timedelta(days=rng.randint(2, 8))
        paper.published_at = None


class _Chains:
    """Meeting sequences that fit a consultation path, computed once per path."""

    def __init__(self, by_board: dict[str, list[MeetingPlan]], today: datetime.date) -> None:
        self.by_board = by_board
        self.today = today
        self.cache: dict[tuple[str, ...], list[list[MeetingPlan]]] = {}

    def pick(self, path: tuple[str, ...], rng: random.Random) -> list[MeetingPlan]:
        for candidate in (path, path[-1:]):
            options = self.cache.get(candidate)
            if options is None:
                options = self.cache[candidate] = self._all(candidate)
            if options:
                return rng.choice(options)
        return []

    def _all(self, path: tuple[str, ...]) -> list[list[MeetingPlan]]:
        # The first consultation must be close enough for the paper to exist by today.
        latest = timezone.make_aware(
            datetime.datetime.combine(self.today + datetime.timedelta(days=14), datetime.time())
        )
        result = []
        for first in self.by_board.get(path[0], []):
            if first.start > latest:
                break
            chain = [first]
            for board in path[1:]:
                following = next(
                    (m for m in self.by_board.get(board, []) if m.start > chain[-1].start), None
                )
                if following is None or following.start - chain[-1].start > MAX_GAP:
                    break
                chain.append(following)
            else:
                result.append(chain)
        return result

    def next_meeting(self, meeting: MeetingPlan) -> MeetingPlan | None:
        """The board's next meeting, if it comes soon enough for answering a question there."""
        following = next((m for m in self.by_board[meeting.board] if m.start > meeting.start), None)
        if following is None or following.start - meeting.start > ANSWER_WITHIN:
            return None
        return following


def _consult(
    paper: PaperPlan, chain: list[MeetingPlan], rng: random.Random, today: datetime.date
) -> None:
    topic = paper.topic
    decides = topic.paper_type in DECISION_TYPES
    for position, meeting in enumerate(chain):
        final = position == len(chain) - 1
        role = ("Entscheidung" if final else "Vorberatung") if decides else "Kenntnisnahme"
        consultation = ConsultationPlan(
            paper=paper, meeting=meeting, role=role, authoritative=decides and final, final=final
        )
        paper.consultations.append(consultation)
        meeting.consultations.append(consultation)
    if chain:
        first_day = chain[0].start.date()
        paper.date = min(
            first_day - datetime.timedelta(days=rng.randint(10, 35)),
            today - datetime.timedelta(days=2),
        )
    if decides:
        roll = rng.random()
        motion = topic.paper_type != BV
        pass_share, majority_share, fail_share = (0.2, 0.5, 0.9) if motion else (0.55, 0.88, 0.93)
        paper.outcome = (
            "pass" if roll < pass_share else
            "pass-majority" if roll < majority_share else
            "fail" if roll < fail_share else "adjourn"
        )  # fmt: skip


def _attachments(paper: PaperPlan, rng: random.Random, demo: bool) -> None:
    topic = paper.topic
    if topic.attachment == "lageplan" and rng.random() < 0.7:
        paper.attachments.append("lageplan")
    elif topic.cost and rng.random() < 0.2:
        paper.attachments.append("kosten")
    if rng.random() < 0.34:
        paper.attachments.append("docx")
    paper.pages = rng.randint(2, 5) if demo else rng.randint(2, 4)


def _published(day: datetime.date, today: datetime.date) -> datetime.datetime:
    published = min(day + datetime.timedelta(days=1), today - datetime.timedelta(days=1))
    return timezone.make_aware(datetime.datetime.combine(published, datetime.time(9, 0)))


def _references(papers: list[PaperPlan], rng: random.Random, demo: bool) -> None:
    """ "2026/0147": per year, in date order, with gaps where other papers would be."""
    sequence: dict[int, int] = {}
    for paper in sorted(papers, key=lambda p: (p.date, p.index)):
        year = paper.date.year
        if year not in sequence:
            sequence[year] = paper.date.timetuple().tm_yday // 4 if demo else 0
        sequence[year] += rng.randint(1, 3) if demo else 1
        paper.reference = f"{year}/{sequence[year]:04d}"
