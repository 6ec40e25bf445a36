"""Topic families of planning, building and the environment (Fachbereiche 3 and 5)."""

from __future__ import annotations

from .topics import AREAS, BV, SCHOOLS, STREETS, Draw, Topic, pick, quote

BPLAN_STAGES = (
    ("Aufstellungsbeschluss", "gemäß § 2 Abs. 1 BauGB aufgestellt"),
    (
        "frühzeitige Beteiligung der Öffentlichkeit",
        "der frühzeitigen Beteiligung nach § 3 Abs. 1 BauGB zugeführt",
    ),
    ("Beschluss über die öffentliche Auslegung", "gemäß § 3 Abs. 2 BauGB öffentlich ausgelegt"),
    (
        "Abwägung und Satzungsbeschluss",
        "nach Abwägung der Stellungnahmen gemäß § 10 Abs. 1 BauGB als Satzung beschlossen",
    ),
)


def bplan(d: Draw) -> Topic:
    # Every plan passes through the four stages before the next plan starts.
    plan = d.n // len(BPLAN_STAGES)
    stage, action = BPLAN_STAGES[d.n % len(BPLAN_STAGES)]
    area = pick(AREAS, plan)
    short = f"Bebauungsplan Nr. {47 + plan} „{area}“"
    return Topic(
        subject=f"{short} – {stage}",
        paper_type=BV,
        path=("bau", "rat"),
        department="fb3",
        short=short,
        noun="Verfahren",
        keywords=("Regenrückhaltung", "Artenschutzprüfung", "Lärmschutz", "Erschließung"),
        proposal=f"Der {short} wird {action}. Der Geltungsbereich ergibt sich aus dem Lageplan.",
        cost=d.rng.randrange(20_000, 95_000, 500),
        attachment="lageplan",
        place=area,
    )


def land_use(d: Draw) -> Topic:
    area = pick(AREAS, d.n + 3)
    short = f"{12 + d.n}. Änderung des Flächennutzungsplans im Bereich „{area}“"
    return Topic(
        subject=short,
        paper_type=BV,
        path=("bau", "rat"),
        department="fb3",
        short=short,
        noun="Verfahren",
        keywords=("Wohnbauflächen", "Landesplanung", "Ausgleichsflächen", "Regionalplan"),
        proposal=f"Die {short} wird eingeleitet; die Verwaltung führt die Beteiligung durch.",
        attachment="lageplan",
        place=area,
    )


def cycling(d: Draw) -> Topic:
    street = pick(STREETS, d.n)
    short = pick(
        (
            f"Radverkehrskonzept der Stadt Musterstadt – Fortschreibung {d.year}",
            f"Einrichtung einer Fahrradstraße in der {street}",
            f"Radverkehrskonzept – Umsetzung der Maßnahmen {d.year + 1}",
            "Bau von Fahrradabstellanlagen am Bahnhof",
            f"Lückenschluss im Radweg entlang der {street}",
        ),
        d.n,
    )
    return Topic(
        subject=short,
        paper_type=BV,
        path=("bau", "rat"),
        department="fb5",
        short=short,
        noun="Konzept",
        keywords=("Radverkehrsnetz", "Fahrradstraßen", "Verkehrssicherheit", "Abstellanlagen"),
        proposal=f"Dem Vorhaben {quote(short)} wird zugestimmt; die Verwaltung setzt es um.",
        cost=d.rng.randrange(80_000, 750_000, 1_000),
        attachment="lageplan",
        place=street,
    )


def lighting(d: Draw) -> Topic:
    short = f"Umrüstung der Straßenbeleuchtung auf LED – Bauabschnitt {d.n + 1}"
    return Topic(
        subject=short,
        paper_type=BV,
        path=("bau", "rat"),
        department="fb5",
        short=short,
        noun="Projekt",
        keywords=("Straßenbeleuchtung", "LED-Leuchten", "Energieeinsparung", "CO2-Minderung"),
        proposal=f"Die Verwaltung wird beauftragt, die {short} auszuschreiben und umzusetzen.",
        cost=d.rng.randrange(150_000, 600_000, 1_000),
    )


def streets(d: Draw) -> Topic:
    street, other = pick(STREETS, d.n), pick(STREETS, d.n + 5)
    short = pick(
        (
            f"Ausbau der {street} – Entwurfsplanung",
            f"Erneuerung der Brücke über den Mühlenbach im Zuge der {street}",
            f"Verkehrsberuhigung in der {street}",
            f"Sanierung der Fahrbahn der {street} zwischen {other} und Marktplatz",
            f"Barrierefreier Umbau der Bushaltestellen in der {street}",
        ),
        d.n,
    )
    return Topic(
        subject=short,
        paper_type=BV,
        # The committee decides road works within its budget on its own.
        path=("bau",),
        department="fb5",
        short=short,
        noun="Projekt",
        keywords=("Fahrbahn", "Gehwege", "Entwässerung", "Anliegerbeiträge", "Baustellenlogistik"),
        proposal=f"Der Entwurfsplanung zum Vorhaben {quote(short)} wird zugestimmt.",
        cost=d.rng.randrange(90_000, 1_400_000, 1_000),
        attachment="lageplan",
        place=street,
    )


def climate(d: Draw) -> Topic:
    short = pick(
        (
            "Kommunale Wärmeplanung – Vergabe und Zeitplan",
            f"Klimaschutzkonzept – Maßnahmenprogramm {d.year + 1}",
            "Photovoltaik auf städtischen Dächern – Ausbauprogramm",
            "Baumschutzsatzung der Stadt Musterstadt – Neufassung",
            "Starkregenvorsorge – Gefahrenkarten und Maßnahmen",
        ),
        d.n,
    )
    return Topic(
        subject=short,
        paper_type=BV,
        path=("bau", "rat"),
        department="fb5",
        short=short,
        noun="Konzept",
        keywords=("Treibhausgasneutralität", "Wärmenetze", "Starkregen", "Stadtbäume"),
        proposal=f"Das Konzept {quote(short)} wird beschlossen; die Verwaltung berichtet jährlich.",
        cost=d.rng.randrange(40_000, 480_000, 1_000),
    )


def property_deal(d: Draw) -> Topic:
    street = pick(STREETS, d.n + 2)
    short = pick(
        (
            f"Grundstücksangelegenheit: Verkauf einer Teilfläche des Flurstücks {210 + d.n}",
            f"Grundstücksangelegenheit: Erwerb von Flächen im Bereich „{pick(AREAS, d.n)}“",
            f"Grundstücksangelegenheit: Bestellung eines Erbbaurechts an der {street}",
            f"Grundstücksangelegenheit: Vorkaufsrecht für das Grundstück {street} {3 + d.n % 40}",
        ),
        d.n,
    )
    return Topic(
        subject=short,
        paper_type=BV,
        path=("hfa", "rat"),
        department="fb3",
        short=short,
        noun="Anliegen",
        keywords=("Verkehrswertgutachten", "Bodenrichtwert", "Kaufpreis", "Grundbuch"),
        proposal="Die Verwaltung wird ermächtigt, den Vertrag zu den genannten Bedingungen "
        "abzuschließen.",
        cost=d.rng.randrange(60_000, 1_600_000, 1_000),
        public=False,
    )


def contract_award(d: Draw) -> Topic:
    work = pick(
        (
            "Rohbauarbeiten",
            "Dachdeckerarbeiten",
            "Elektroinstallation",
            "Heizungs- und Lüftungstechnik",
            "Gebäudereinigung",
            "Lieferung von Schulmobiliar",
            "Objektplanung Gebäude",
            "Winterdienst",
        ),
        d.n,
    )
    short = f"Vergabe: {work} für das Projekt „{pick(SCHOOLS, d.n + 1)}“"
    return Topic(
        subject=short,
        paper_type=BV,
        path=("hfa",),
        department="fb1",
        short=short,
        noun="Verfahren",
        keywords=(
            "Angebotswertung",
            "Vergabeordnung",
            "Preisspiegel",
            "wirtschaftlichstes Angebot",
        ),
        proposal="Der Auftrag wird an den Bieter mit dem wirtschaftlichsten Angebot gemäß "
        "Vergabevermerk erteilt.",
        cost=d.rng.randrange(80_000, 2_200_000, 1_000),
        public=False,
    )
