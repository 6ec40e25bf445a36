"""German administrative prose for demo papers.

Generic paragraphs come from a small pool built once per seed and reused across papers (the
large town renders tens of thousands of files); topic paragraphs name the paper's subject and
its keywords so that full-text search finds them anywhere in a document.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from .topics import ANFRAGE, ANTRAG, BERICHT, BV, INFO, MITTEILUNG, Topic, quote

GENERIC = (
    "Die Verwaltung hat die Angelegenheit in mehreren Abstimmungsrunden mit den beteiligten "
    "Fachbereichen erörtert.",
    "Dabei wurden sowohl die rechtlichen Rahmenbedingungen als auch die Auswirkungen auf den "
    "städtischen Haushalt geprüft.",
    "Die Beteiligung der Träger öffentlicher Belange hat keine grundsätzlichen Bedenken ergeben.",
    "Anregungen aus der Bürgerschaft wurden, soweit möglich, in die Planung übernommen.",
    "Die Maßnahme steht im Einklang mit den Zielen des Integrierten Stadtentwicklungskonzepts.",
    "Eine Förderung aus Landesmitteln wurde beantragt; ein Bewilligungsbescheid liegt noch "
    "nicht vor.",
    "Die Umsetzung soll in enger Abstimmung mit den örtlichen Vereinen und Initiativen erfolgen.",
    "Die personellen Ressourcen der Verwaltung reichen für die Begleitung des Verfahrens aus.",
    "Nach derzeitiger Einschätzung kann der vorgesehene Zeitplan eingehalten werden.",
    "Erfahrungen aus vergleichbaren Kommunen zeigen, dass eine frühzeitige Information der "
    "Öffentlichkeit die Akzeptanz deutlich erhöht.",
    "Die Gleichstellungsbeauftragte und die Schwerbehindertenvertretung wurden beteiligt.",
    "Belange des Klimaschutzes wurden nach dem Klimacheck der Stadt Musterstadt bewertet; die "
    "Auswirkungen sind überwiegend positiv.",
    "Auf die Ausführungen in der Sitzung des vergangenen Quartals wird ergänzend verwiesen.",
    "Der Seniorenbeirat und der Beirat für Menschen mit Behinderung haben Gelegenheit zur "
    "Stellungnahme erhalten.",
    "Die Kosten wurden auf Grundlage aktueller Marktpreise ermittelt und enthalten einen "
    "angemessenen Ansatz für Unvorhergesehenes.",
    "Eine abschließende Bewertung ist erst nach Vorliegen der Ausschreibungsergebnisse möglich.",
    "Die Verwaltung wird über den Fortgang regelmäßig in den zuständigen Gremien berichten.",
    "Rechtliche Bedenken bestehen nach Prüfung durch das Rechtsamt nicht.",
    "Alternativen wurden geprüft, erwiesen sich jedoch als wirtschaftlich oder fachlich "
    "nachteilig.",
    "Die Folgekosten für Unterhaltung und Betrieb sind in der mittelfristigen Finanzplanung "
    "berücksichtigt.",
    "Die Stadtwerke Musterstadt GmbH wurde frühzeitig in die Planungen einbezogen.",
    "Mit den Nachbarkommunen fand ein Austausch im Rahmen der interkommunalen Zusammenarbeit "
    "statt.",
    "Die Ergebnisse der Bürgerbeteiligung sind in der Anlage zusammengefasst.",
    "Der Kreis als untere Aufsichtsbehörde wurde über das Vorgehen informiert.",
    "Im weiteren Verfahren sind die Vorgaben des Vergaberechts zu beachten.",
    "Die Verwaltung empfiehlt, den eingeschlagenen Weg konsequent fortzusetzen.",
    "Eine Entscheidung in der laufenden Sitzungsrunde ist geboten, um Fristen zu wahren.",
    "Die Datenschutzbeauftragte hat keine Einwände erhoben.",
    "Die Barrierefreiheit wird bei allen Planungsschritten berücksichtigt.",
    "Es wird davon ausgegangen, dass die Arbeiten im laufenden Betrieb durchgeführt werden können.",
    "Die Auswirkungen auf den Verkehr während der Bauzeit werden durch eine abgestimmte "
    "Baustellenlogistik gering gehalten.",
    "Eine Überprüfung der Wirksamkeit ist nach Ablauf von zwei Jahren vorgesehen.",
    "Ergänzende Unterlagen können von den Mitgliedern der Gremien im Ratsbüro eingesehen werden.",
    "Die vorliegende Fassung berücksichtigt die Hinweise aus der Vorberatung in den Fraktionen.",
    "Gleichwertige Lebensverhältnisse in allen Ortsteilen bleiben Leitlinie des "
    "Verwaltungshandelns.",
    "Ein Verzicht auf die Maßnahme hätte voraussichtlich höhere Kosten in späteren Haushaltsjahren "
    "zur Folge.",
    "Die Bauaufsicht hat die Genehmigungsfähigkeit vorab bestätigt.",
    "Hinweise der Feuerwehr zum vorbeugenden Brandschutz sind in die Planung eingearbeitet.",
    "Die Ortsteilvertretungen wurden informiert und unterstützen das Vorgehen.",
    "Das Vorgehen entspricht den Empfehlungen der überörtlichen Prüfung.",
)
FACTS = (
    "Das {noun} {short_q} beschäftigt Politik und Verwaltung bereits seit {since}. In den "
    "vergangenen Monaten wurden die Grundlagen erarbeitet und mit den betroffenen Stellen "
    "abgestimmt.",
    "Für das {noun} {short_q} sind insbesondere folgende Gesichtspunkte von Bedeutung: {keywords}.",
    "Im Mittelpunkt des {noun}s {short_q} stehen {kw1} und {kw2}. Beide Aspekte wurden in "
    "gesonderten Untersuchungen vertieft, deren Ergebnisse in diese Vorlage eingeflossen sind.",
    "Zum {noun} {short_q} fand am {meeting_day} ein Abstimmungsgespräch mit den Fachbehörden "
    "statt. Dabei wurde vereinbart, das Thema {kw3} vorrangig zu behandeln.",
    "Ohne eine Entscheidung über das {noun} {short_q} können die nächsten Verfahrensschritte nicht "
    "eingeleitet werden; insbesondere die Fristen für {kw1} wären gefährdet.",
)
REASONS = (
    "Das {noun} {short_q} ist aus Sicht der Verwaltung erforderlich, um die Aufgaben der Stadt "
    "Musterstadt auch künftig zuverlässig zu erfüllen.",
    "Mit dem {noun} {short_q} werden zugleich Erwartungen aus der Bürgerschaft aufgegriffen, die "
    "insbesondere das Thema {kw2} betreffen.",
    "Die Verwaltung schlägt daher vor, dem Beschlussvorschlag zu folgen.",
)
DETAILS = (
    "Zum Aspekt {aspect} liegt inzwischen eine fachliche Bewertung vor. Sie kommt zu dem "
    "Ergebnis, dass das {noun} {short_q} ohne wesentliche Einschränkungen umgesetzt werden kann.",
    "Der Zeitplan für das {noun} {short_q} sieht vor, die nächsten Schritte im Laufe des Jahres "
    "{next_year} abzuschließen. Für den Aspekt {aspect} ist ein eigener Arbeitsschritt vorgesehen.",
    "Aus der Öffentlichkeit gingen zum {noun} {short_q} zahlreiche Hinweise ein, vor allem zum "
    "Aspekt {aspect}. Die Verwaltung hat sie geprüft und, soweit möglich, berücksichtigt.",
    "Vergleichbare Vorhaben in Nachbarkommunen zeigen, dass der Aspekt {aspect} frühzeitig "
    "geklärt werden sollte. Beim {noun} {short_q} ist dies geschehen.",
    "Die Fraktionen wurden in einer gemeinsamen Informationsrunde über den Stand des {noun}s "
    "{short_q} unterrichtet; Rückfragen betrafen insbesondere den Aspekt {aspect}.",
    "Für die weitere Bearbeitung des {noun}s {short_q} ist eine enge Abstimmung mit dem Kreis und "
    "den Fachbehörden vorgesehen. Dabei steht der Aspekt {aspect} im Vordergrund.",
)
PLACE = (
    "Betroffen ist der Bereich {place}. Die Anliegerinnen und Anlieger wurden in einer "
    "Informationsveranstaltung im Bürgerhaus über das {noun} unterrichtet."
)
MOTION = (
    "Die {faction} beantragt, das Anliegen {short_q} auf die Tagesordnung der nächsten Sitzung zu "
    "setzen. Viele Bürgerinnen und Bürger haben sich in den vergangenen Monaten mit diesem Wunsch "
    "an die Fraktion gewandt."
)
QUESTION_ITEMS = (
    "1. Wie stellt sich der aktuelle Sachstand zum Thema {short_q} dar?",
    "2. Welche Kosten sind bislang entstanden und welche werden bis zum Jahr {next_year} erwartet?",
    "3. Welcher Zeitplan ist für die weiteren Schritte vorgesehen?",
    "4. Wie werden die Bürgerinnen und Bürger über das Thema {kw1} informiert?",
)


@dataclass(frozen=True)
class PaperText:
    """The sections of a paper; the renderer adds pool paragraphs to reach its page count."""

    proposal_heading: str
    proposal: list[str]
    facts: list[str]
    reasons: list[str]
    finance: list[str]
    finance_rows: list[tuple[str, str]]
    # Topic paragraphs the renderer interleaves with generic ones on longer papers.
    details: list[str]


PRODUCTS = ("01.01", "02.03", "05.02", "06.01", "09.01", "12.01")


def euro(amount: float) -> str:
    """German currency format without the sign: 1.234.567,00."""
    whole, cents = divmod(round(amount * 100), 100)
    return f"{whole:,}".replace(",", ".") + f",{cents:02d}"


def prose_pool(rng: random.Random, rounds: int = 4) -> list[str]:
    """Generic paragraphs of 3 to 5 sentences shared by all papers of one run. Each round uses
    every sentence once, so consecutive paragraphs of the pool never repeat a sentence."""
    pool = []
    for _ in range(rounds):
        sentences = rng.sample(GENERIC, len(GENERIC))
        while sentences:
            take = rng.randint(3, 5)
            pool.append(" ".join(sentences[:take]))
            sentences = sentences[take:]
    return pool


def paper_text(
    topic: Topic,
    rng: random.Random,
    *,
    year: int,
    decider: str,
    faction: str,
    meeting_day: str,
) -> PaperText:
    """The topic-specific sections; `decider` is the deciding board's name."""
    kws = list(topic.keywords)
    rng.shuffle(kws)
    slots = {
        "noun": topic.noun,
        "short": topic.short,
        "short_q": quote(topic.short),
        "since": str(year - rng.randint(1, 4)),
        "keywords": ", ".join(kws[:-1]) + f" und {kws[-1]}",
        "kw1": kws[0],
        "kw2": kws[1 % len(kws)],
        "kw3": kws[2 % len(kws)],
        "meeting_day": meeting_day,
        "place": topic.place,
        "faction": faction,
        "next_year": str(year + 1),
    }
    facts = [s.format(**slots) for s in rng.sample(FACTS, 3)]
    if topic.place:
        facts.insert(1, PLACE.format(**slots))
    heading = "Beschlussvorschlag"
    if topic.paper_type == ANTRAG:
        facts.insert(0, MOTION.format(**slots))
        proposal = [f"Der {decider} beschließt:", topic.proposal]
    elif topic.paper_type == BV:
        proposal = [f"Der {decider} beschließt:", topic.proposal]
    elif topic.paper_type == ANFRAGE:
        heading = "Fragen"
        proposal = [q.format(**slots) for q in QUESTION_ITEMS]
    elif topic.paper_type == MITTEILUNG and topic.subject.startswith("Beantwortung"):
        heading = "Antwort der Verwaltung"
        proposal = [
            f"Zu 1.: Das Thema {quote(topic.short)} wird vom zuständigen Fachbereich bearbeitet; "
            f"der Sachstand ist im Folgenden dargestellt.",
            f"Zu 2.: Bislang sind Kosten in Höhe von {euro(rng.randrange(2_000, 90_000))} EUR "
            "entstanden.",
            f"Zu 3.: Die weiteren Schritte sind bis Ende {year + 1} vorgesehen.",
            f"Zu 4.: Über {slots['kw1']} wird auf der Internetseite der Stadt informiert.",
        ]
    else:
        kind = {INFO: "Informationsvorlage", BERICHT: "Bericht"}.get(topic.paper_type, "Mitteilung")
        proposal = [f"Der {decider} nimmt die {kind} zur Kenntnis.", topic.proposal]
    reasons = [s.format(**slots) for s in REASONS]
    if topic.cost:
        rows = _spread(topic.cost, year, rng)
        finance = [
            f"Die Gesamtkosten des {topic.noun}s {quote(topic.short)} belaufen sich nach "
            f"derzeitiger Schätzung auf {euro(topic.cost)} EUR. Die Mittel sind im "
            f"Haushaltsplan {year} im Produkt {rng.choice(PRODUCTS)} "
            "veranschlagt beziehungsweise werden in der Finanzplanung berücksichtigt.",
        ]
    else:
        rows = []
        finance = [
            "Mit dem Beschluss sind keine unmittelbaren finanziellen Auswirkungen verbunden."
        ]
    details = [
        template.format(**slots, aspect=quote(kws[(i + 3) % len(kws)]))
        for i, template in enumerate(rng.sample(DETAILS, len(DETAILS)))
    ]
    return PaperText(heading, proposal, facts, reasons, finance, rows, details)


def _spread(total: int, year: int, rng: random.Random) -> list[tuple[str, str]]:
    first = round(total * rng.choice((0.3, 0.4, 0.5, 0.6)))
    return [
        (f"Haushaltsjahr {year}", f"{euro(first)} EUR"),
        (f"Haushaltsjahr {year + 1}", f"{euro(total - first)} EUR"),
        ("Gesamt", f"{euro(total)} EUR"),
    ]


def cost_items(topic: Topic, rng: random.Random) -> list[tuple[str, str, int]]:
    """Rows of a cost table that add up to the topic's cost."""
    labels = (
        "Planungsleistungen",
        "Bauleistungen",
        "Technische Ausstattung",
        "Außenanlagen",
        "Baunebenkosten",
        "Unvorhergesehenes",
    )
    total = topic.cost or rng.randrange(20_000, 200_000, 1_000)
    shares = [rng.randint(5, 30) for _ in labels]
    amounts = [total * s // sum(shares) for s in shares]
    amounts[-1] += total - sum(amounts)
    return [
        (f"{i + 1}", label, amount)
        for i, (label, amount) in enumerate(zip(labels, amounts, strict=True))
    ]
