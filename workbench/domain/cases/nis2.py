"""NIS2 (Directive (EU) 2022/2555): sectors of Annex I and II with their sub-sectors, entity classes, Member States.

Sub-sectors follow the Annexes; where an Annex lists types of entity instead (digital infrastructure, ICT service
management, public administration, digital providers), those types stand as sub-sectors, so that a case can say
"telecommunications" precisely: the public electronic communications networks and services of digital
infrastructure.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from workbench.domain.cases.vocab import Vocab, vocab_key, vocabulary
from workbench.domain.errors import InvalidInput


class Annex(enum.Enum):
    HIGH_CRITICALITY = "I"
    OTHER_CRITICAL = "II"


@vocabulary(
    "sector",
    {
        "telecommunications": "digital-infrastructure",
        "telecom": "digital-infrastructure",
        "telecoms": "digital-infrastructure",
        "finance": "banking",
        "fmi": "financial-market-infrastructure",
        "ict": "ict-service-management",
        "water": "drinking-water",
        "postal": "postal-and-courier-services",
    },
)
class Sector(Vocab):
    """A NIS2 sector. ``annex`` says which Annex lists it; ``subsectors`` maps sub-sector keys to labels."""

    # Annex I: sectors of high criticality
    ENERGY = ("energy", "Energy")
    TRANSPORT = ("transport", "Transport")
    BANKING = ("banking", "Banking")
    FINANCIAL_MARKET_INFRASTRUCTURE = ("financial-market-infrastructure", "Financial market infrastructure")
    HEALTH = ("health", "Health")
    DRINKING_WATER = ("drinking-water", "Drinking water")
    WASTE_WATER = ("waste-water", "Waste water")
    DIGITAL_INFRASTRUCTURE = ("digital-infrastructure", "Digital infrastructure")
    ICT_SERVICE_MANAGEMENT = ("ict-service-management", "ICT service management (business-to-business)")
    PUBLIC_ADMINISTRATION = ("public-administration", "Public administration")
    SPACE = ("space", "Space")
    # Annex II: other critical sectors
    POSTAL_AND_COURIER = ("postal-and-courier-services", "Postal and courier services")
    WASTE_MANAGEMENT = ("waste-management", "Waste management")
    CHEMICALS = ("chemicals", "Manufacture, production and distribution of chemicals")
    FOOD = ("food", "Production, processing and distribution of food")
    MANUFACTURING = ("manufacturing", "Manufacturing")
    DIGITAL_PROVIDERS = ("digital-providers", "Digital providers")
    RESEARCH = ("research", "Research")

    @property
    def annex(self) -> Annex:
        return Annex.OTHER_CRITICAL if self in _ANNEX_II else Annex.HIGH_CRITICALITY

    @property
    def subsectors(self) -> dict[str, str]:
        return SUBSECTORS.get(self, {})


_ANNEX_II = frozenset(
    {
        Sector.POSTAL_AND_COURIER,
        Sector.WASTE_MANAGEMENT,
        Sector.CHEMICALS,
        Sector.FOOD,
        Sector.MANUFACTURING,
        Sector.DIGITAL_PROVIDERS,
        Sector.RESEARCH,
    }
)

SUBSECTORS: dict[Sector, dict[str, str]] = {
    Sector.ENERGY: {
        "electricity": "Electricity",
        "district-heating-and-cooling": "District heating and cooling",
        "oil": "Oil",
        "gas": "Gas",
        "hydrogen": "Hydrogen",
    },
    Sector.TRANSPORT: {"air": "Air", "rail": "Rail", "water": "Water", "road": "Road"},
    Sector.DIGITAL_INFRASTRUCTURE: {
        "internet-exchange-points": "Internet exchange point providers",
        "dns-service-providers": "DNS service providers",
        "tld-name-registries": "Top-level domain name registries",
        "cloud-computing": "Cloud computing service providers",
        "data-centres": "Data centre service providers",
        "content-delivery-networks": "Content delivery network providers",
        "trust-service-providers": "Trust service providers",
        "electronic-communications": "Telecommunications: public electronic communications networks and services",
    },
    Sector.ICT_SERVICE_MANAGEMENT: {
        "managed-service-providers": "Managed service providers",
        "managed-security-service-providers": "Managed security service providers",
    },
    Sector.PUBLIC_ADMINISTRATION: {
        "central-government": "Central government",
        "regional-government": "Regional government",
    },
    Sector.MANUFACTURING: {
        "medical-devices": "Medical devices and in vitro diagnostic medical devices",
        "computer-electronic-optical": "Computer, electronic and optical products",
        "electrical-equipment": "Electrical equipment",
        "machinery": "Machinery and equipment n.e.c.",
        "motor-vehicles": "Motor vehicles, trailers and semi-trailers",
        "other-transport-equipment": "Other transport equipment",
    },
    Sector.DIGITAL_PROVIDERS: {
        "online-marketplaces": "Online marketplaces",
        "online-search-engines": "Online search engines",
        "social-networking-platforms": "Social networking services platforms",
    },
}

# Names people use for a sub-sector, with the sector they belong to.
_SUBSECTOR_ALIASES: dict[str, tuple[Sector, str]] = {
    "telecommunications": (Sector.DIGITAL_INFRASTRUCTURE, "electronic-communications"),
    "telecom": (Sector.DIGITAL_INFRASTRUCTURE, "electronic-communications"),
    "telecoms": (Sector.DIGITAL_INFRASTRUCTURE, "electronic-communications"),
    "ixp": (Sector.DIGITAL_INFRASTRUCTURE, "internet-exchange-points"),
    "dns": (Sector.DIGITAL_INFRASTRUCTURE, "dns-service-providers"),
    "cloud": (Sector.DIGITAL_INFRASTRUCTURE, "cloud-computing"),
    "cdn": (Sector.DIGITAL_INFRASTRUCTURE, "content-delivery-networks"),
    "msp": (Sector.ICT_SERVICE_MANAGEMENT, "managed-service-providers"),
    "mssp": (Sector.ICT_SERVICE_MANAGEMENT, "managed-security-service-providers"),
    "district-heating": (Sector.ENERGY, "district-heating-and-cooling"),
}


def parse_subsector(sector: Sector, text: str) -> str:
    """The sub-sector key of ``sector`` named by ``text``; refuses one that belongs to no or another sector."""
    key = vocab_key(text)
    options = sector.subsectors
    for subsector, label in options.items():
        if key in (subsector, vocab_key(label)):
            return subsector
    alias = _SUBSECTOR_ALIASES.get(key)
    if alias is not None and alias[0] is sector:
        return alias[1]
    if not options:
        raise InvalidInput(f"the sector {sector.value} has no sub-sectors; leave the sub-sector empty")
    raise InvalidInput(f"unknown sub-sector {text!r} of {sector.value}; use one of {', '.join(options)}")


def subsector_label(sector: Sector | None, subsector: str | None) -> str:
    if sector is None or not subsector:
        return ""
    return sector.subsectors.get(subsector, subsector)


def sector_for_subsector_alias(text: str) -> tuple[Sector, str] | None:
    """``("telecommunications")`` -> (digital infrastructure, electronic communications); None if not an alias."""
    return _SUBSECTOR_ALIASES.get(vocab_key(text))


@vocabulary("entity class")
class EntityClass(Vocab):
    """Essential or important entity (NIS2 Article 3)."""

    ESSENTIAL = ("essential", "Essential entity")
    IMPORTANT = ("important", "Important entity")


@vocabulary(
    "Member State",
    {
        "el": "GR",
        "czech-republic": "CZ",
        "the-netherlands": "NL",
        "iceland": "IS",
        "liechtenstein": "LI",
        "norway": "NO",
    },
)
class MemberState(Vocab):
    """EU Member States by ISO 3166-1 alpha-2 code, then the EEA states where NIS2 applies through the EEA Agreement
    (Iceland, Liechtenstein, Norway); the EU's own abbreviation EL for Greece is read too."""

    AT = ("AT", "Austria")
    BE = ("BE", "Belgium")
    BG = ("BG", "Bulgaria")
    HR = ("HR", "Croatia")
    CY = ("CY", "Cyprus")
    CZ = ("CZ", "Czechia")
    DK = ("DK", "Denmark")
    EE = ("EE", "Estonia")
    FI = ("FI", "Finland")
    FR = ("FR", "France")
    DE = ("DE", "Germany")
    GR = ("GR", "Greece")
    HU = ("HU", "Hungary")
    IE = ("IE", "Ireland")
    IT = ("IT", "Italy")
    LV = ("LV", "Latvia")
    LT = ("LT", "Lithuania")
    LU = ("LU", "Luxembourg")
    MT = ("MT", "Malta")
    NL = ("NL", "Netherlands")
    PL = ("PL", "Poland")
    PT = ("PT", "Portugal")
    RO = ("RO", "Romania")
    SK = ("SK", "Slovakia")
    SI = ("SI", "Slovenia")
    ES = ("ES", "Spain")
    SE = ("SE", "Sweden")
    IS = ("IS", "Iceland (EEA)")
    LI = ("LI", "Liechtenstein (EEA)")
    NO = ("NO", "Norway (EEA)")


@dataclass(frozen=True)
class SectorChoice:
    """A sector with an optional sub-sector, for pick lists."""

    sector: Sector
    subsector: str | None

    @property
    def label(self) -> str:
        if self.subsector:
            return f"{self.sector.label}: {subsector_label(self.sector, self.subsector)}"
        return self.sector.label


def sector_choices() -> list[SectorChoice]:
    """Every sector, then its sub-sectors, in Annex order (for the window's pick list)."""
    choices: list[SectorChoice] = []
    for sector in Sector:
        choices.append(SectorChoice(sector, None))
        choices.extend(SectorChoice(sector, key) for key in sector.subsectors)
    return choices
