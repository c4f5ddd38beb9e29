"""Plausible Russian people, companies, requisites, phones and e-mails from one seeded RNG.

Everything a duplicate check compares (INN, phone, e-mail, domain) is drawn without repeats, so
that the demo base's duplicates are only the ones somebody puts there on purpose.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate

from crm_tui.demo import vocabulary as v
from crm_tui.demo.phrases import POSITIONS
from crm_tui.domain.values.requisites import inn_check_digits, ogrn_check_digit

FEMALE_SHARE = 0.45
_POSITION_TITLES = tuple(title for title, _ in POSITIONS)
_POSITION_CUM = tuple(accumulate(weight for _, weight in POSITIONS))


@dataclass(frozen=True)
class Person:
    surname: str
    first: str
    patronymic: str
    female: bool

    @property
    def full_name(self) -> str:
        return f"{self.surname} {self.first} {self.patronymic}"

    @property
    def short(self) -> str:
        """ "Иванов С." as it reads in a list of users."""
        return f"{self.surname} {self.first}"


@dataclass(frozen=True)
class Phone:
    e164: str
    raw: str
    extension: str | None = None


@dataclass(frozen=True)
class Company:
    name: str
    legal_form: str | None
    kind: str  # crm_tui.storage.models.ClientKind value
    inn: str | None
    kpp: str | None
    ogrn: str | None
    domain: str | None
    owner: Person | None  # the entrepreneur of an ИП, or the private person


def _group_local(local: str) -> str:
    """Local part of a number the way it is printed on a business card: 123-45-67, 22-33-44."""
    head = len(local) - 4
    return f"{local[:head]}-{local[head : head + 2]}-{local[head + 2 :]}"


@dataclass
class Forge:
    rng: random.Random
    _inns: set[str] = field(default_factory=set)
    _phones: set[str] = field(default_factory=set)
    _emails: set[str] = field(default_factory=set)
    _domains: set[str] = field(default_factory=set)
    _namesakes: dict[str, int] = field(default_factory=dict)

    def _digits(self, count: int) -> str:
        return f"{self.rng.randrange(10**count):0{count}d}"

    # People -------------------------------------------------------------------------------

    def person(self, female: bool | None = None) -> Person:
        rng = self.rng
        if female is None:
            female = rng.random() < FEMALE_SHARE
        surname = rng.choice(v.SURNAMES)
        father = rng.choice(v.MALE_FIRST)
        if female:
            return Person(v.feminine(surname), rng.choice(v.FEMALE_FIRST), father[2], True)
        return Person(surname, rng.choice(v.MALE_FIRST)[0], father[1], False)

    def position(self) -> str:
        """A job title's msgid (``phrases.POSITIONS``), drawn by how common it is."""
        return _POSITION_TITLES[bisect_right(_POSITION_CUM, self.rng.random() * _POSITION_CUM[-1])]

    # Phones -------------------------------------------------------------------------------

    def _unique_number(self, code: str) -> str:
        while True:
            local = self._digits(10 - len(code))
            if local[0] == "0":
                continue
            e164 = f"+7{code}{local}"
            if e164 not in self._phones:
                self._phones.add(e164)
                return e164

    def landline(self, city: v.City) -> Phone:
        code = self.rng.choice(city.area_codes)
        e164 = self._unique_number(code)
        local = _group_local(e164[2 + len(code) :])
        trunk = "8" if self.rng.random() < 0.7 else "+7"
        extension = str(self.rng.randint(100, 599)) if self.rng.random() < 0.1 else None
        raw = f"{trunk} ({code}) {local}" + (f" доб. {extension}" if extension else "")
        return Phone(e164, raw, extension)

    def mobile(self) -> Phone:
        code = self.rng.choice(v.MOBILE_CODES)
        e164 = self._unique_number(code)
        d = e164[2:]
        style = self.rng.random()
        if style < 0.35:
            raw = f"+7 {d[:3]} {d[3:6]}-{d[6:8]}-{d[8:]}"
        elif style < 0.6:
            raw = f"8 ({d[:3]}) {d[3:6]}-{d[6:8]}-{d[8:]}"
        elif style < 0.8:
            raw = f"8-{d[:3]}-{d[3:6]}-{d[6:8]}-{d[8:]}"
        else:
            raw = "8" + d
        return Phone(e164, raw)

    # E-mails ------------------------------------------------------------------------------

    def _claim(self, address: str) -> bool:
        if address in self._emails:
            return False
        self._emails.add(address)
        return True

    def work_email(self, person: Person, domain: str) -> str:
        first, surname = v.translit(person.first), v.translit(person.surname)
        for box in (f"{first[0]}.{surname}", surname, f"{first}.{surname}", f"{surname}.{first[0]}"):
            if self._claim(f"{box}@{domain}"):
                return f"{box}@{domain}"
        return self.personal_email(person)

    def personal_email(self, person: Person) -> str:
        first, surname = v.translit(person.first), v.translit(person.surname)
        rng = self.rng
        while True:
            box = rng.choice((f"{surname}.{first}", f"{first}.{surname}", f"{surname}{first[0]}", surname))
            if rng.random() < 0.6:
                box += str(rng.choice((rng.randint(70, 99), rng.randint(1, 999), rng.randint(1970, 2004))))
            address = f"{box}@{rng.choice(v.PERSONAL_MAIL)}"
            if self._claim(address):
                return address

    def company_email(self, domain: str) -> str:
        first = self.rng.choice(v.COMPANY_MAILBOXES)
        for box in (first, *v.COMPANY_MAILBOXES):
            if self._claim(f"{box}@{domain}"):
                return f"{box}@{domain}"
        raise AssertionError(f"no free mailbox at {domain}")  # a fresh domain always has one

    def _domain(self, brand: str, city: v.City) -> str:
        """The brand in Latin letters; a namesake elsewhere gets the region code or a number."""
        base = v.translit(brand.replace(" и К", "")) or "firma"
        for candidate in (base, f"{base}{city.inn_prefix}", f"{base}-{v.translit(city.name)}"):
            if candidate + ".ru" not in self._domains:
                self._domains.add(candidate + ".ru")
                return candidate + ".ru"
        n = self._namesakes.get(base, 1)
        while f"{base}{n}.ru" in self._domains:
            n += 1
        self._namesakes[base] = n + 1
        self._domains.add(f"{base}{n}.ru")
        return f"{base}{n}.ru"

    def messenger(self, person: Person) -> str:
        return f"@{v.translit(person.first)}_{v.translit(person.surname)}{self.rng.randint(1, 99)}"

    # Companies and requisites -------------------------------------------------------------

    def brand(self) -> str:
        rng = self.rng
        pick = rng.random()
        if pick < 0.35:
            name = rng.choice(v.PREFIXES) + rng.choice(v.SUFFIXES)
        elif pick < 0.5:
            name = f"{rng.choice(v.PREFIXES)}-{rng.choice(v.SUFFIXES)}"
        elif pick < 0.72:
            noun, gender = rng.choice(v.NOUNS)
            name = f"{rng.choice(v.ADJECTIVES)[gender]} {noun}"
        else:
            name = rng.choice(v.WORDS)
        if rng.random() < 0.18:
            name += rng.choice(v.NAME_TAILS)
        return name

    def _inn(self, prefix: str, body_length: int) -> str:
        while True:
            office = f"{self.rng.randint(1, 36):02d}"
            serial = self._digits(body_length - 4)
            body = prefix + office + serial
            inn = body + inn_check_digits(body)
            if inn not in self._inns:
                self._inns.add(inn)
                return inn

    def _ogrn(self, first: str, prefix: str, random_digits: int) -> str:
        year = f"{self.rng.randint(2, 24):02d}"
        body = first + year + prefix + self._digits(random_digits)
        return body + ogrn_check_digit(body)

    def company(self, city: v.City) -> Company:
        """An ООО, АО, ПАО, an ИП or (rarely) a private person, registered in ``city``'s region."""
        pick = self.rng.random()
        if pick < 0.03:
            person = self.person()
            return Company(person.full_name, None, "person", None, None, None, None, person)
        if pick < 0.23:
            person = self.person()
            inn = self._inn(city.inn_prefix, 10)
            ogrnip = self._ogrn("3", city.inn_prefix, 9)
            return Company(person.full_name, "ИП", "company", inn, None, ogrnip, None, person)
        form = "АО" if pick < 0.29 else "ПАО" if pick < 0.31 else "ООО"
        brand = self.brand()
        inn = self._inn(city.inn_prefix, 9)
        kpp = inn[:4] + "01001"
        ogrn = self._ogrn("1", city.inn_prefix, 7)
        return Company(brand, form, "company", inn, kpp, ogrn, self._domain(brand, city), None)
