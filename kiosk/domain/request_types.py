"""The catalogue of Tawasul request types (parsed here; read from data/ by the wiring)."""

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from kiosk.domain.languages import Language
from kiosk.errors import InvalidInput

DOCUMENTS_AT_COUNTER = "documents_at_counter"
"""The answer "I brought the documents to the counter", which every type can be given."""

OTHER_ANSWER = "other"
"""The catch-all answer: the resident must then say in a few words what they did."""

_ANSWER_CODE = re.compile("[a-z][a-z_]{0,39}")


def answer_needs_text(code: str) -> bool:
    """Whether an answer with *code* says nothing without the resident's own words."""
    return code == OTHER_ANSWER


def _answers(code: str, raw: object) -> tuple[str, ...]:
    """The ``answers`` of the type *code* as read from the data file, checked: known shapes,
    no repeats, the catch-all last (a resident whose case fits no choice can still answer)."""
    if raw is None:
        return (DOCUMENTS_AT_COUNTER, OTHER_ANSWER)
    if not isinstance(raw, list) or not all(isinstance(a, str) for a in raw):
        raise ValueError(f"the answers of request type {code!r} must be a list of codes")
    answers = tuple(raw)
    if not all(_ANSWER_CODE.fullmatch(a) for a in answers) or len(set(answers)) != len(answers):
        raise ValueError(f"the answers of request type {code!r} must be distinct lowercase codes")
    if not answers or answers[-1] != OTHER_ANSWER or OTHER_ANSWER in answers[:-1]:
        raise ValueError(f"the answers of request type {code!r} must end with {OTHER_ANSWER!r}")
    return answers


@dataclass(frozen=True)
class RequestType:
    """One kind of request, with names, its expected answer window and any fee note."""

    code: str
    name_ar: str
    name_en: str
    min_working_days: int
    max_working_days: int
    fee_note_ar: str = ""
    fee_note_en: str = ""
    fee_checked: date | None = None
    names: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    """The name in every kiosk language, by code (Arabic and English as above)."""
    fee_notes: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    """The fee note in every kiosk language, by code; empty when free of charge."""
    answers: tuple[str, ...] = (DOCUMENTS_AT_COUNTER, OTHER_ANSWER)
    """What a resident may say they did when a request of this type is returned to them:
    language-neutral codes (catalogue ``answer.choice.<code>``), in the order offered, the
    catch-all ``other`` last."""

    def name(self, language: str) -> str:
        """The type's name in *language* (English where the file has none in it)."""
        return self.names.get(language) or (self.name_ar if language == "ar" else self.name_en)

    def fee_note(self, language: str) -> str:
        """The fee note in *language*; empty when the type is free of charge."""
        default = self.fee_note_ar if language == "ar" else self.fee_note_en
        return self.fee_notes.get(language) or default


class RequestTypeCatalogue:
    """The request types in their display order, looked up by code."""

    def __init__(self, types: list[RequestType]) -> None:
        """Keep *types* in order; codes must be unique."""
        self._by_code = {t.code: t for t in types}
        if len(self._by_code) != len(types):
            raise ValueError("request type codes must be unique")
        self._types = tuple(types)

    @classmethod
    def from_json(cls, text: str) -> "RequestTypeCatalogue":
        """Build the catalogue from the JSON text of ``data/request_types.json``."""
        raw = json.loads(text)
        return cls(
            [
                RequestType(
                    code=item["code"],
                    name_ar=item["name_ar"],
                    name_en=item["name_en"],
                    min_working_days=int(item["working_days"][0]),
                    max_working_days=int(item["working_days"][1]),
                    fee_note_ar=item.get("fee_note_ar", ""),
                    fee_note_en=item.get("fee_note_en", ""),
                    fee_checked=date.fromisoformat(item["fee_checked"])
                    if item.get("fee_checked")
                    else None,
                    names={
                        code: item[f"name_{code}"] for code in Language if f"name_{code}" in item
                    },
                    fee_notes={
                        code: item[f"fee_note_{code}"]
                        for code in Language
                        if item.get(f"fee_note_{code}")
                    },
                    answers=_answers(item["code"], item.get("answers")),
                )
                for item in raw["request_types"]
            ]
        )

    def __iter__(self) -> Iterator[RequestType]:
        """The types in display order."""
        return iter(self._types)

    def __len__(self) -> int:
        """How many types there are."""
        return len(self._types)

    def __contains__(self, code: object) -> bool:
        """Whether *code* names a type."""
        return code in self._by_code

    @property
    def codes(self) -> list[str]:
        """Every type code in display order."""
        return [t.code for t in self._types]

    def get(self, code: str) -> RequestType:
        """The type with *code*, or InvalidInput listing the codes."""
        try:
            return self._by_code[code]
        except KeyError:
            raise InvalidInput(
                f"Unknown request type {code!r}; the types are: {', '.join(self.codes)}."
            ) from None
