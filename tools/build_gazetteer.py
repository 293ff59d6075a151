"""Build the gazetteers: `dictionaries/gazetteer.txt`, `first-names.txt`, `surnames.txt`.

`gazetteer.txt` holds proper nouns that are always capitalised: countries from
pycountry (ISO 3166 names, LGPL-2.1 package; names are facts), months,
weekdays, continents, major cities, nationalities, institutions and acronyms
from the lists below. Names that are also common English words ("turkey",
"chad", "may") are left out: a rule reading it must not capitalise ordinary words.

`first-names.txt` and `surnames.txt` come from the 1990 US Census name
frequency lists (public domain, as shipped in the MIT-licensed PyPI package
`names`): the most frequent first names and surnames. Many are also ordinary
words ("mark", "rose", "brown"), so rules use them only in a name's context.

Run: python tools/build_gazetteer.py  (needs `pip install pycountry names`)
"""

from __future__ import annotations

import re
from pathlib import Path

import names
import pycountry

OUT = Path(__file__).resolve().parent.parent / "dictionaries" / "gazetteer.txt"

MONTHS = "January February March April June July August September October November December".split()
DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
PLACES = """Africa America Asia Europe Oceania Antarctica Arctic Britain England Scotland Wales
Russia Syria Iran Venezuela Bolivia Tanzania Vietnam Laos Moldova Korea Macedonia Czechia Brunei
Ulster Kurdistan Crimea Donbas Gaza Kashmir Tibet Taiwan Kosovo Palestine Idlib Aleppo Raqqa
London Paris Berlin Moscow Washington Beijing Tokyo Delhi Mumbai Damascus Baghdad Tehran Kabul
Ankara Istanbul Cairo Riyadh Jerusalem Beirut Amman Doha Dubai Brussels Madrid Rome Vienna Warsaw
Kyiv Kiev Minsk Athens Lisbon Dublin Edinburgh Cardiff Belfast Manchester Liverpool Birmingham
Glasgow Leeds Bristol Oxford Cambridge Sydney Melbourne Toronto Ottawa Montreal Vancouver Chicago
Boston Houston Dallas Seattle Atlanta Miami Detroit Philadelphia Hollywood Beijing Shanghai Seoul
Pyongyang Hanoi Bangkok Jakarta Manila Singapore Karachi Lahore Islamabad Dhaka Lagos Nairobi
Johannesburg Geneva Zurich Frankfurt Munich Hamburg Milan Naples Stockholm Oslo Copenhagen
Helsinki Prague Budapest Bucharest Sofia Belgrade Zagreb Tbilisi Yerevan Baku Tashkent Caracas
Havana Bogota Lima Santiago Brasilia Mexico Tripoli Khartoum Mogadishu Sanaa Aden
Westminster Whitehall Brexit Nato Isis Opec Moscow Kremlin Pentagon""".split()
NATIONALITIES = """American Russian Syrian Turkish Kurdish Iraqi Iranian Afghan Israeli Palestinian British
English Scottish Welsh Irish French German Italian Spanish Portuguese Dutch Belgian Swiss Austrian
Swedish Norwegian Danish Finnish Polish Czech Hungarian Romanian Bulgarian Greek Serbian Croatian
Ukrainian Belarusian Chinese Japanese Korean Vietnamese Thai Indian Pakistani Bangladeshi Indonesian
Malaysian Filipino Australian Canadian Mexican Brazilian Argentine Argentinian Chilean Colombian
Venezuelan Cuban Egyptian Libyan Tunisian Algerian Moroccan Nigerian Kenyan Ethiopian Somali
Sudanese Saudi Yemeni Lebanese Jordanian Qatari Emirati European African Asian Arab Arabic
Americans Russians Syrians Kurds Iraqis Iranians Afghans Israelis Palestinians Europeans Africans
Arabs Saudis Ukrainians Chinese Turks Germans Britons Pakistanis Indians Yemenis Libyans Egyptians
Islamist Islamists Islamic Muslim Muslims Christian Christians Jewish Jews Sunni Shia Shiite Hindu
Buddhist Catholic Protestant Orthodox Kremlin Pentagon Taliban Hezbollah Hamas Nato Isis Opec
Interpol Europol Brexit Congress Parliament""".split()
ACRONYMS = """USA UK EU FBI CIA NHS BBC CNN UAE IMF WTO OPEC NASA UNESCO UNICEF TV MP MPs PC ITV UKIP
BT DVD CD CDs PCs DVDs GDP CEO AIDS HIV""".split()
# Multi-word names of institutions, events and places (matched as a whole, longest first).
INSTITUTIONS = """United Nations|World Bank|World Cup|World Health Organization|European Union|European Commission
|European Parliament|European Central Bank|Security Council|General Assembly|White House|Downing Street
|House of Commons|House of Lords|House of Representatives|Bank of England|Federal Reserve|Wall Street
|Premier League|Champions League|Olympic Games|Labour Party|Conservative Party|Liberal Democrats
|Democratic Party|Republican Party|Supreme Court|High Court|Middle East|Gulf War|Cold War|Joint Chiefs of Staff
|National Security Council|Pentagon|Foreign Office|Home Office|Ministry of Defence|State Department
|Red Cross|Amnesty International|Human Rights Watch|Islamic State|Al-Qaeda|New York|Los Angeles
|San Francisco|Hong Kong|Buenos Aires|Rio de Janeiro|South Africa|North Korea|South Korea|Saudi Arabia
|Sri Lanka|New Zealand|Northern Ireland|Silicon Valley|Nobel Prize|Oscars|Grammy Awards
|International Monetary Fund|World Trade Organization|International Atomic Energy Agency|International Criminal Court
|International Court of Justice|North Atlantic Treaty Organization|Federal Bureau of Investigation
|Central Intelligence Agency|National Security Agency|Department of Homeland Security|Department of Defense
|Department of Justice|Environmental Protection Agency|Food and Drug Administration
|Securities and Exchange Commission|Federal Trade Commission|Federal Communications Commission
|Centers for Disease Control and Prevention|National Health Service|Crown Prosecution Service
|Office for National Statistics|Financial Conduct Authority|Serious Fraud Office|Metropolitan Police Service
|Ministry of Justice|Ministry of Foreign Affairs|Foreign and Commonwealth Office|Department for Education
|Department of Health|Department for Work and Pensions|Bank of Japan|European Court of Justice
|European Court of Human Rights|European Investment Bank|African Union|Arab League|United Nations Security Council
|United Nations General Assembly|Human Rights Council|World Food Programme|International Committee of the Red Cross
|Doctors Without Borders|Syrian Democratic Forces|Free Syrian Army|Syrian Arab Army
|Syrian Observatory for Human Rights|Islamic Revolutionary Guard Corps|Palestinian Authority
|Palestine Liberation Organization|Federal Aviation Administration|National Aeronautics and Space Administration
|Royal Air Force|Royal Navy|British Medical Association|Confederation of British Industry|Trades Union Congress
|Chancellor of the Exchequer|Chief of the Defence Staff
|International Olympic Committee|Court of Arbitration for Sport|Football Association|Office of Fair Trading
|Electoral Commission|Arts Council|Church of England|Royal Bank of Scotland|London Stock Exchange
|New York Stock Exchange|Organization of the Petroleum Exporting Countries""".replace("\n", "").split("|")
# Also ordinary English words (or their plurals are): never treat them as names.
# Countries that are also words ("china", "turkey") stay: rules read the gazetteer only in
# text that lost its capitals, where they are the countries nearly always.
COMMON_WORDS = {"jersey", "man", "may", "march", "reading", "nice", "bath", "who", "congress",
                "parliament", "orthodox", "catholic", "protestant", "christian", "aids"}


def country_names() -> set[str]:
    names = set()
    for country in pycountry.countries:
        for name in (country.name, getattr(country, "common_name", None)):
            if name and re.fullmatch(r"[A-Z][a-z]+(?: [A-Z][a-z]+)?", name):
                names.add(name)
    return names


def census_names(filename: str, limit: int) -> list[str]:
    """The `limit` most frequent names of one 1990 US Census list shipped in the `names` package."""
    folder = Path(names.__file__).resolve().parent
    lines = (folder / filename).read_text(encoding="ascii").splitlines()
    return [line.split()[0].title() for line in lines[:limit]]


def write(filename: str, title: str, source: list[str], names_by_key: dict[str, str]) -> None:
    path = OUT.parent / filename
    header = [f"# respin gazetteer: {title}; read by rules, never flagged.", *source,
              "# generated by tools/build_gazetteer.py: edit the script, not this file."]
    lines = sorted(f"{key}->{name}" for key, name in names_by_key.items())
    path.write_text("\n".join(header + lines) + "\n", encoding="utf-8")
    print(f"{path}: {len(lines)} entries")


def main() -> None:
    places = country_names() | set(MONTHS) | set(DAYS) | {p for p in PLACES if p.isalpha()}
    proper = places | set(NATIONALITIES) | set(INSTITUTIONS) | {"United States of America"}
    gazetteer = {name.lower(): name for name in proper if name.lower() not in COMMON_WORDS}
    gazetteer.update({acronym.lower(): acronym for acronym in ACRONYMS if acronym.lower() not in COMMON_WORDS})
    write("gazetteer.txt", "proper nouns and how they are capitalised", [
        "# source: country names from pycountry (ISO 3166); months, days, places, nationalities,",
        "#   institutions and acronyms listed in tools/build_gazetteer.py.",
        "# licence: facts (names); this compilation CC0",
    ], gazetteer)
    census = [
        "# source: 1990 US Census name frequency lists (public domain), as shipped in the PyPI",
        "#   package `names` (MIT); the most frequent entries only.",
        "# licence: public domain (US Census Bureau data)",
    ]
    first = census_names("dist.male.first", 1000) + census_names("dist.female.first", 1000)
    write("first-names.txt", "frequent first names (also ordinary words: read in context)", census,
          {name.lower(): name for name in first})
    write("surnames.txt", "frequent surnames (also ordinary words: read in context)", census,
          {name.lower(): name for name in census_names("dist.all.last", 15000)})


if __name__ == "__main__":
    main()
