"""Topic families of schools, social affairs, finance and administration, and the papers
factions write (motions and questions) or the administration reports with."""

from __future__ import annotations

from .topics import (
    ANFRAGE,
    ANTRAG,
    BERICHT,
    BV,
    DISTRICTS,
    INFO,
    MITTEILUNG,
    SCHOOLS,
    STREETS,
    Draw,
    Topic,
    lead,
    pick,
    quote,
)


def school(d: Draw) -> Topic:
    measure = pick(
        (
            "Sanierung der {s}",
            "Erweiterung der {s} um einen Ganztagsbereich",
            "Erneuerung der Heizungsanlage der {s}",
            "Dachsanierung und Photovoltaikanlage an der {s}",
            "Brandschutzertüchtigung der {s}",
        ),
        d.n + d.n // len(SCHOOLS),
    )
    school_name = pick(SCHOOLS, d.n)
    short = measure.format(s=school_name)
    cost = d.rng.randrange(400_000, 4_500_000, 10_000)
    return Topic(
        subject=short,
        paper_type=BV,
        # Larger sums pass the Haupt- und Finanzausschuss on their way to the council.
        path=("schule", "hfa", "rat") if cost > 1_500_000 else ("schule", "rat"),
        department="fb2",
        short=short,
        noun="Projekt",
        keywords=(
            "Schulentwicklungsplanung",
            "Ganztagsbetreuung",
            "Barrierefreiheit",
            "Brandschutz",
        ),
        proposal=f"Der Maßnahme {quote(short)} wird auf Grundlage der Entwurfsplanung zugestimmt. "
        "Die Verwaltung wird beauftragt, die Leistungen auszuschreiben.",
        cost=cost,
        place=school_name,
    )


def daycare(d: Draw) -> Topic:
    short = pick(
        (
            "Satzung über Elternbeiträge für Kindertageseinrichtungen (Kita-Gebühren) – "
            f"{d.n // 4 + 1}. Änderung",
            f"Kita-Bedarfsplanung {d.year}/{d.year + 1}",
            f"Neubau einer viergruppigen Kindertagesstätte in {pick(DISTRICTS, d.n)}",
            f"Zuschüsse an freie Träger von Kindertageseinrichtungen {d.year + 1}",
        ),
        d.n,
    )
    return Topic(
        subject=short,
        paper_type=BV,
        path=("soziales", "hfa", "rat") if d.n % 2 == 0 else ("soziales", "rat"),
        department="fb2",
        short=short,
        noun="Vorhaben",
        keywords=("Kita-Gebühren", "Elternbeiträge", "Betreuungsquote", "Geschwisterermäßigung"),
        proposal=f"Der Vorlage {quote(short)} wird in der vorgelegten Fassung zugestimmt.",
        cost=d.rng.randrange(100_000, 2_500_000, 5_000),
    )


def budget(d: Draw) -> Topic:
    y = d.year
    short, proposal = pick(
        (
            (
                f"Haushaltssatzung und Haushaltsplan {y + 1}",
                f"Die Haushaltssatzung mit dem Haushaltsplan {y + 1} wird in der vorgelegten "
                "Fassung erlassen.",
            ),
            (
                f"Jahresabschluss {y - 1} und Entlastung der Bürgermeisterin",
                f"Der Jahresabschluss {y - 1} wird festgestellt; der Bürgermeisterin wird "
                "Entlastung erteilt.",
            ),
            (
                f"Festsetzung der Hebesätze für die Grund- und Gewerbesteuer {y + 1}",
                f"Die Hebesätze für das Jahr {y + 1} werden wie in der Anlage festgesetzt.",
            ),
            (
                f"Überplanmäßige Aufwendungen für die Unterhaltung der Gemeindestraßen {y}",
                "Den überplanmäßigen Aufwendungen wird zugestimmt; die Deckung erfolgt aus "
                "Mehrerträgen.",
            ),
            (
                f"Stellenplan {y + 1}",
                f"Der Stellenplan {y + 1} wird in der vorgelegten Fassung beschlossen.",
            ),
        ),
        d.n,
    )
    return Topic(
        subject=short,
        paper_type=BV,
        path=("hfa", "rat"),
        department="fb1",
        short=short,
        noun="Verfahren",
        keywords=(
            "Ergebnisplan",
            "Finanzplan",
            "Kreisumlage",
            "Gewerbesteuer",
            "Haushaltsausgleich",
        ),
        proposal=proposal,
        cost=d.rng.randrange(50_000, 900_000, 1_000),
    )


def statutes(d: Draw) -> Topic:
    short, department, keywords = pick(
        (
            (
                "Friedhofssatzung der Stadt Musterstadt – Neufassung",
                "fb5",
                ("Grabarten", "Baumbestattung", "Ruhezeiten", "Friedhofsgebühren"),
            ),
            (
                f"Satzung über die Abfallentsorgung und die Abfallgebühren {d.year + 1}",
                "fb5",
                ("Abfallgebühren", "Biotonne", "Gebührenkalkulation", "Wertstoffhof"),
            ),
            (
                f"Straßenreinigungs- und Gebührensatzung {d.year + 1}",
                "fb5",
                ("Straßenreinigung", "Winterdienst", "Gebührenkalkulation", "Anliegerpflichten"),
            ),
            (
                "Hundesteuersatzung – Änderung der Steuersätze",
                "fb1",
                ("Hundesteuer", "Steuersätze", "Ermäßigungen", "Steuermarken"),
            ),
            (
                "Entgeltordnung für die städtischen Sporthallen",
                "fb2",
                ("Hallennutzung", "Vereinssport", "Entgelte", "Belegungsplan"),
            ),
        ),
        d.n,
    )
    return Topic(
        subject=short,
        paper_type=BV,
        path=("hfa", "rat"),
        department=department,
        short=short,
        noun="Verfahren",
        keywords=keywords,
        proposal=f"Die {quote(short)} wird in der als Anlage beigefügten Fassung beschlossen.",
    )


def fire(d: Draw) -> Topic:
    district = pick(DISTRICTS, d.n)
    short = pick(
        (
            f"Feuerwehrbedarfsplan {d.year}–{d.year + 4}",
            f"Beschaffung eines Hilfeleistungslöschfahrzeugs HLF 20 für die Löschgruppe {district}",
            f"Neubau des Feuerwehrgerätehauses {district}",
            "Beschaffung von Atemschutztechnik für die Freiwillige Feuerwehr",
        ),
        d.n,
    )
    return Topic(
        subject=short,
        paper_type=BV,
        path=("hfa", "rat"),
        department="fb4",
        short=short,
        noun="Vorhaben",
        keywords=("Feuerwehrbedarfsplan", "Hilfsfrist", "Löschgruppe", "Tagesalarmsicherheit"),
        proposal=f"Dem Vorhaben {quote(short)} wird zugestimmt; die Mittel werden im Haushalt "
        f"{d.year + 1} bereitgestellt.",
        cost=d.rng.randrange(120_000, 3_200_000, 5_000),
        place=district,
    )


def culture(d: Draw) -> Topic:
    short, path = pick(
        (
            ("Sanierung des Kunstrasenplatzes an der Schützenwiese", ("schule", "rat")),
            (
                "Neubau der Dreifachsporthalle an der Gesamtschule Musterstadt",
                ("schule", "hfa", "rat"),
            ),
            ("Richtlinie zur Förderung der Kultur in Musterstadt – Neufassung", ("schule", "rat")),
            ("Stadtbibliothek – Erweiterung der Öffnungszeiten", ("schule",)),
            (f"Zuschüsse an Sportvereine {d.year + 1}", ("schule",)),
            ("Musikschule – Neufassung der Gebührenordnung", ("schule", "rat")),
            (f"Medienentwicklungsplan für die Schulen {d.year}–{d.year + 4}", ("schule", "rat")),
        ),
        d.n,
    )
    return Topic(
        subject=short,
        paper_type=BV,
        path=path,
        department="fb2",
        short=short,
        noun="Vorhaben",
        keywords=("Vereinssport", "Kulturförderung", "Ehrenamt", "Sportstättenentwicklung"),
        proposal=f"Der Vorlage {quote(short)} wird zugestimmt.",
        cost=d.rng.randrange(20_000, 2_800_000, 1_000),
    )


def social(d: Draw) -> Topic:
    short, path = pick(
        (
            (f"Kinder- und Jugendförderplan {d.year + 1}–{d.year + 5}", ("soziales", "rat")),
            (f"Jugendzentrum „Alte Post“ – Trägerschaft ab {d.year + 1}", ("soziales", "rat")),
            ("Quartiersmanagement Lindenhof – Fortführung", ("soziales",)),
            ("Geschäftsordnung des Seniorenbeirats", ("soziales", "rat")),
            ("Integrationskonzept der Stadt Musterstadt – Fortschreibung", ("soziales", "rat")),
            ("Förderprogramm für bezahlbaren Wohnraum", ("soziales", "hfa", "rat")),
            (f"Neugestaltung des Spielplatzes an der {pick(STREETS, d.n)}", ("soziales",)),
        ),
        d.n,
    )
    return Topic(
        subject=short,
        paper_type=BV,
        path=path,
        department="fb2",
        short=short,
        noun="Konzept",
        keywords=("Jugendhilfe", "Seniorenarbeit", "Teilhabe", "Quartiersarbeit"),
        proposal=f"Dem Konzept {quote(short)} wird zugestimmt.",
        cost=d.rng.randrange(30_000, 900_000, 1_000),
    )


def administration(d: Draw) -> Topic:
    short, path = pick(
        (
            ("Digitalisierungsstrategie der Stadtverwaltung Musterstadt", ("hfa", "rat")),
            ("Wahl der Schiedsperson für den Schiedsamtsbezirk Musterstadt", ("hfa", "rat")),
            ("Benennung von Mitgliedern für den Aufsichtsrat der Stadtwerke", ("rat",)),
            ("Änderung der Zuständigkeitsordnung", ("hfa", "rat")),
            ("Städtepartnerschaft mit Sainte-Claire-sur-Loire", ("hfa", "rat")),
        ),
        d.n,
    )
    return Topic(
        subject=short,
        paper_type=BV,
        path=path,
        department="fb1",
        short=short,
        noun="Thema",
        keywords=("Onlinezugangsgesetz", "Verwaltungsmodernisierung", "Beteiligungen", "Ehrenamt"),
        proposal=f"Der Vorlage {quote(short)} wird in der vorgelegten Fassung zugestimmt.",
    )


def staff(d: Draw) -> Topic:
    short = pick(
        (
            "Personalangelegenheit: Besetzung der Leitung des Fachbereichs 3 – Planen und Bauen",
            "Personalangelegenheit: Bestellung der Leitung des Rechnungsprüfungsamtes",
            "Personalangelegenheit: Wahl einer Beigeordneten oder eines Beigeordneten",
        ),
        d.n,
    )
    return Topic(
        subject=short,
        paper_type=BV,
        path=("hfa", "rat"),
        department="fb1",
        short=short,
        noun="Anliegen",
        keywords=("Stellenbesetzung", "Auswahlverfahren", "Personalrat", "Stellenplan"),
        proposal="Der in der Vorlage vorgeschlagenen Personalentscheidung wird zugestimmt.",
        public=False,
    )


MOTIONS = (
    ("Trinkwasserbrunnen in der Innenstadt", "bau"),
    ("Bürgerbus für die Ortsteile", "bau"),
    ("Tempo 30 vor der Grundschule Lindenweg", "bau"),
    ("Mehr Sitzbänke im Stadtpark", "bau"),
    ("Digitaler Mängelmelder", "hfa"),
    ("Photovoltaik auf allen städtischen Dächern", "bau"),
    ("Hundewiese im Stadtpark", "bau"),
    ("Freies WLAN in der Innenstadt", "hfa"),
    ("Blühstreifen an städtischen Wegrändern", "bau"),
    ("Livestream der Ratssitzungen", "hfa"),
    ("Jugendparlament für Musterstadt", "soziales"),
    ("Schulwegsicherheit verbessern", "schule"),
    ("Längere Öffnungszeiten des Freibads", "schule"),
    ("Sauberkeitsoffensive Innenstadt", "hfa"),
)
QUESTIONS = (
    ("Sanierungsstau bei städtischen Gebäuden", "hfa"),
    ("Stand des Breitbandausbaus", "hfa"),
    ("Wartezeiten im Bürgerbüro", "hfa"),
    ("Betreuungsplätze für Kinder unter drei Jahren", "soziales"),
    ("Zustand der Brücken im Stadtgebiet", "bau"),
    ("Leerstand in der Innenstadt", "bau"),
    ("Nutzung der Sporthallen durch Vereine", "schule"),
    ("Schulwegsicherheit an der Grundschule Am Park", "schule"),
    ("Auswirkungen der Grundsteuerreform", "hfa"),
    ("Angebote für Seniorinnen und Senioren", "soziales"),
)


def motion(d: Draw) -> Topic:
    short, board = pick(MOTIONS, d.n)
    return Topic(
        subject=f"Antrag der {d.faction}: {short}",
        paper_type=ANTRAG,
        path=(board, "rat"),
        department=lead(board),
        short=short,
        noun="Anliegen",
        keywords=("Bürgerbeteiligung", "Lebensqualität", "Prüfauftrag", "Kostenschätzung"),
        proposal=f"Die Verwaltung wird beauftragt, das Anliegen {quote(short)} zu prüfen und bis "
        "zur nächsten Sitzungsrunde ein Umsetzungskonzept mit Kostenschätzung vorzulegen.",
        cost=d.rng.choice((0, 15_000, 40_000, 120_000)),
    )


def question(d: Draw) -> Topic:
    short, board = pick(QUESTIONS, d.n)
    return Topic(
        subject=f"Anfrage der {d.faction}: {short}",
        paper_type=ANFRAGE,
        path=(board,),
        department=lead(board),
        short=short,
        noun="Thema",
        keywords=("Sachstand", "Zeitplan", "Kosten", "Zuständigkeiten"),
        proposal="Die Verwaltung wird gebeten, die Fragen in der Sitzung schriftlich zu "
        "beantworten.",
    )


def information(d: Draw) -> Topic:
    y = d.year
    short, board, kind = pick(
        (
            ("Sachstandsbericht Radverkehrskonzept", "bau", INFO),
            (f"Bericht über die Haushaltsausführung zum 30.06.{y}", "hfa", INFO),
            ("Sachstand Breitbandausbau in den Außenbereichen", "hfa", MITTEILUNG),
            (f"Anmeldezahlen an den Schulen zum Schuljahr {y}/{y + 1}", "schule", INFO),
            (f"Ergebnisse der Verkehrszählung {y}", "bau", INFO),
            (f"Baustellenkoordination {y}: Maßnahmen im Stadtgebiet", "bau", MITTEILUNG),
            (f"Jahresbericht der Gleichstellungsbeauftragten {y - 1}", "soziales", BERICHT),
            (f"Tätigkeitsbericht des Seniorenbeirats {y - 1}", "soziales", BERICHT),
            (f"Jahresbericht der Freiwilligen Feuerwehr {y - 1}", "hfa", BERICHT),
            (f"Ferienprogramm {y}: Bilanz", "soziales", MITTEILUNG),
        ),
        d.n,
    )
    return Topic(
        subject=short,
        paper_type=kind,
        path=(board,),
        department=lead(board),
        short=short,
        noun="Thema",
        keywords=("Sachstand", "Kennzahlen", "Entwicklung", "Ausblick"),
        proposal="Die Ausführungen der Verwaltung werden zur Kenntnis genommen.",
    )
