"""The voting rules as tables: eligibility, quorum, every majority method, elections."""

from __future__ import annotations

import pytest

from votes import rules
from votes.models import Choice, MajorityMethod
from votes.rules import Member, Tally


@pytest.mark.parametrize(
    ("member", "eligible"),
    [
        (Member(1, voting_right=True, present=True, conflicted=False), True),
        (Member(1, voting_right=False, present=True, conflicted=False), False),
        (Member(1, voting_right=True, present=False, conflicted=False), False),
        (Member(1, voting_right=True, present=True, conflicted=True), False),
    ],
    ids=["voting-present", "advisory-only", "absent", "conflicted"],
)
def test_eligible_means_voting_right_present_and_not_conflicted(member, eligible):
    assert (1 in rules.eligible([member])) is eligible


@pytest.mark.parametrize(
    ("statutory", "present", "reached"),
    [
        (33, 17, True),  # more than half
        (33, 16, False),
        (32, 17, True),
        (32, 16, False),  # exactly half is not more than half
        (5, 3, True),
        (5, 2, False),
    ],
)
def test_quorum_needs_more_than_half_of_the_statutory_members(statutory, present, reached):
    assert rules.quorum(statutory=statutory, present_eligible=present).reached is reached


def test_quorum_is_lost_when_members_leave_or_are_conflicted_mid_meeting():
    members = [Member(n, True, True, False) for n in range(9)]
    at_start = rules.quorum(statutory=9, present_eligible=len(rules.eligible(members)))
    later = [Member(n, True, n < 6, n in (4, 5)) for n in range(9)]  # 3 left, 2 conflicted

    after = rules.quorum(statutory=9, present_eligible=len(rules.eligible(later)))

    assert at_start.reached and not after.reached
    assert after.text.startswith("Nicht beschlussfähig: nur 4 von 9")


S, P, A, T, TS = (
    rules.SIMPLE,
    rules.PRESENT,
    rules.ABSOLUTE,
    rules.TWO_THIRDS,
    rules.TWO_THIRDS_STATUTORY,
)


@pytest.mark.parametrize(
    ("method", "yes", "no", "abstain", "present", "statutory", "accepted"),
    [
        # simple majority: yes > no, abstentions do not count, a tie rejects
        (S, 10, 9, 0, 19, 33, True),
        (S, 10, 10, 0, 20, 33, False),
        (S, 3, 2, 20, 25, 33, True),
        (S, 0, 0, 5, 5, 33, False),
        # majority of the members present: abstentions work like no
        (P, 10, 2, 8, 20, 33, False),
        (P, 11, 2, 7, 20, 33, True),
        # absolute majority of the statutory members
        (A, 16, 0, 0, 20, 33, False),
        (A, 17, 0, 0, 20, 33, True),
        (A, 16, 0, 0, 20, 32, False),
        # two thirds of the yes and no votes cast
        (T, 20, 10, 3, 33, 33, True),
        (T, 19, 10, 4, 33, 33, False),
        (T, 2, 0, 30, 32, 33, True),
        (T, 0, 0, 3, 3, 33, False),
        # two thirds of the statutory members
        (TS, 21, 0, 0, 30, 33, False),
        (TS, 22, 0, 0, 30, 33, True),
    ],
)
def test_motion_outcome_per_majority_method(method, yes, no, abstain, present, statutory, accepted):
    outcome = rules.motion_outcome(
        method=method, tally=Tally(yes, no, abstain), present=present, statutory=statutory
    )

    assert outcome.accepted is accepted


def test_tie_rejects_motion_and_says_so():
    outcome = rules.motion_outcome(method=S, tally=Tally(5, 5, 1), present=11, statutory=11)

    assert outcome.text == (
        "Abgelehnt bei Stimmengleichheit (5 Ja, 5 Nein, 1 Enthaltung). Regel: einfache "
        "Mehrheit (mehr Ja- als Nein-Stimmen, Enthaltungen zählen nicht)."
    )


@pytest.mark.parametrize("method", rules.METHODS)
def test_result_text_states_the_rule_applied(method):
    outcome = rules.motion_outcome(method=method, tally=Tally(9, 1, 0), present=10, statutory=11)

    assert rules.method_text(method) in outcome.text
    assert outcome.text.startswith("Angenommen (9 Ja, 1 Nein, 0 Enthaltungen)")


def test_unknown_method_is_an_error():
    with pytest.raises(ValueError, match="unknown"):
        rules.required_yes(method="dictator", tally=Tally(), present=1, statutory=1)


NAMES = {1: "Anna Alt", 2: "Bernd Berg", 3: "Clara Czech"}


@pytest.mark.parametrize(
    ("votes", "winner", "runoff"),
    [
        ({1: 10, 2: 5, 3: 2}, 1, ()),
        ({1: 7, 2: 7, 3: 2}, None, (1, 2)),
        ({1: 4, 2: 4, 3: 4}, None, (1, 2, 3)),
        ({1: 0, 2: 0, 3: 0}, None, ()),
        ({1: 1}, 1, ()),
    ],
    ids=["clear-winner", "two-tied", "three-tied", "no-votes", "single-candidate"],
)
def test_election_most_votes_wins_and_a_tie_needs_a_runoff(votes, winner, runoff):
    outcome = rules.election_outcome(votes=votes, names=NAMES, abstain=1)

    assert (outcome.winner, outcome.runoff) == (winner, runoff)


def test_runoff_result_names_the_tied_candidates():
    outcome = rules.election_outcome(votes={1: 7, 2: 7, 3: 2}, names=NAMES)

    assert outcome.text.startswith(
        "Stimmengleichheit zwischen Anna Alt und Bernd Berg mit je 7 Stimmen: Stichwahl"
    )


def test_model_choices_match_the_rules():
    assert set(MajorityMethod.values) == set(rules.METHODS)
    assert set(Choice.values) == set(rules.CHOICES)
