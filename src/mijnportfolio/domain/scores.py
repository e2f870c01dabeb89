"""The values an assessment is made of: a score 1-5, the texts per score, the pass mark and the
rule which scores need a justification (product.md 3.4). Frozen and validated on construction,
so that a score of 0, 6, 2.5 or text cannot exist anywhere in the domain."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Iterable, Iterator, Mapping

import attrs

from .errors import InvalidValue

MAX_DESCRIPTOR_TEXT = 2000


class InvalidScore(InvalidValue):
    """A score is a whole number from 1 to 5."""

    default_message = "Een score is een geheel getal van 1 tot en met 5."


def _check_score(_instance: object, _attribute: object, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise InvalidScore(f"Score {value!r} bestaat niet: een score is 1, 2, 3, 4 of 5.")


@attrs.frozen(order=True)
class Score:
    """One score on the 1-5 scale of the assessment form."""

    value: int = attrs.field(validator=_check_score)

    @classmethod
    def parse(cls, raw: object, *, field: str | None = None) -> Score:
        """A score from a form or file: "3", 3 and " 3 " are fine; 0, 6, 2.5, True and text are not."""
        if isinstance(raw, Score):
            return raw
        if isinstance(raw, bool) or raw is None:
            raise InvalidScore(field=field)
        text = str(raw).strip()
        if not text.isdigit():
            raise InvalidScore(f"'{text}' is geen score; kies 1, 2, 3, 4 of 5.", field=field)
        number = int(text)
        if not 1 <= number <= 5:
            raise InvalidScore(f"Score {number} bestaat niet (alleen 1 t/m 5).", field=field)
        return cls(number)

    def __int__(self) -> int:
        return self.value

    def __str__(self) -> str:
        return str(self.value)


SCORES: tuple[Score, ...] = tuple(Score(v) for v in range(1, 6))


def _check_pass_mark(_instance: object, _attribute: object, value: Decimal) -> None:
    if not isinstance(value, Decimal) or not value.is_finite() or not Decimal(1) <= value <= Decimal(10):
        raise InvalidValue("De cesuur moet tussen 1,0 en 10,0 liggen.", field="pass_mark")
    if value != value.quantize(Decimal("0.1")):
        raise InvalidValue("De cesuur mag hoogstens één decimaal hebben (bijvoorbeeld 5,5).", field="pass_mark")


@attrs.frozen(order=True)
class PassMark:
    """The cesuur: the grade (1,0-10,0, one decimal) a core task needs at least."""

    value: Decimal = attrs.field(validator=_check_pass_mark)

    @classmethod
    def parse(cls, raw: object) -> PassMark:
        """From a form or file: "5,5", "5.5", 5.5 and Decimal("5.5") are all 5,5."""
        if isinstance(raw, PassMark):
            return raw
        if isinstance(raw, bool) or raw is None or raw == "":
            raise InvalidValue("Vul een cesuur in, bijvoorbeeld 5,5.", field="pass_mark")
        try:
            mark = Decimal(str(raw).strip().replace(",", "."))
        except InvalidOperation:
            raise InvalidValue(f"De cesuur '{raw}' is geen getal; gebruik bijvoorbeeld 5,5.", field="pass_mark") from None
        if not mark.is_finite() or not Decimal(1) <= mark <= Decimal(10):
            raise InvalidValue("De cesuur moet tussen 1,0 en 10,0 liggen.", field="pass_mark")
        if mark != mark.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP):
            raise InvalidValue("De cesuur mag hoogstens één decimaal hebben (bijvoorbeeld 5,5).", field="pass_mark")
        return cls(mark.quantize(Decimal("0.1")))

    def __str__(self) -> str:
        return str(self.value)

    @property
    def dutch(self) -> str:
        """As Dutch users write it: 5,5."""
        return str(self.value).replace(".", ",")


DEFAULT_PASS_MARK = PassMark(Decimal("5.5"))


def _score_set(values: Iterable[Score]) -> frozenset[Score]:
    return frozenset(values)


@attrs.frozen
class JustificationRule:
    """The scores that need a justification (onderbouwing); the others may have one."""

    scores: frozenset[Score] = attrs.field(converter=_score_set)

    @classmethod
    def parse(cls, values: Iterable[object]) -> JustificationRule:
        """From a form's ticked boxes or a file's list: every item must be a score 1-5."""
        if isinstance(values, (str, bytes)):
            raise InvalidValue("Geef de scores als lijst, bijvoorbeeld [1, 2, 5].", field="justification_scores")
        scores = set()
        for value in values:
            try:
                scores.add(Score.parse(value))
            except InvalidScore:
                shown = str(value).strip()
                if not isinstance(value, bool) and shown.lstrip("-").isdigit():
                    raise InvalidValue(
                        f"Score {int(shown)} bestaat niet (alleen 1 t/m 5).", field="justification_scores"
                    ) from None
                raise InvalidValue(
                    f"'{value}' is geen score; kies uit 1 t/m 5.", field="justification_scores"
                ) from None
        return cls(frozenset(scores))

    @classmethod
    def from_text(cls, text: str | None) -> JustificationRule:
        """From its stored form "1,2,5" (empty: no score needs one)."""
        return cls(frozenset(Score(int(part)) for part in (text or "").split(",") if part.strip()))

    def to_text(self) -> str:
        return ",".join(str(v) for v in self.values)

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(sorted(s.value for s in self.scores))

    def requires(self, score: Score) -> bool:
        """True when ``score`` needs a justification."""
        return score in self.scores


DEFAULT_JUSTIFICATION_RULE = JustificationRule(frozenset({Score(1), Score(2), Score(5)}))


@attrs.frozen
class Descriptors(Mapping[Score, str]):
    """What each level of one criterion means, shown beside the 1-5 control while scoring.

    Only scores 1-5 may have a text; empty texts are left out."""

    texts: tuple[tuple[Score, str], ...] = ()

    @classmethod
    def parse(cls, values: Mapping[Any, object] | None) -> Descriptors:
        """From a form, a file ({1: "..."} or {"1": "..."}) or the database."""
        if isinstance(values, Descriptors):
            return values
        found: dict[Score, str] = {}
        for key, text in (values or {}).items():
            score = descriptor_score(key)
            if score is None:
                raise InvalidValue(
                    f"Een beschrijving voor score {key} is niet toegestaan (alleen 1 t/m 5).", field="descriptors"
                )
            cleaned = ("" if text is None else str(text)).strip()
            if len(cleaned) > MAX_DESCRIPTOR_TEXT:
                raise InvalidValue(
                    f"De beschrijving voor score {score} mag hoogstens {MAX_DESCRIPTOR_TEXT} tekens lang zijn.",
                    field="descriptors",
                )
            if cleaned:
                found[score] = cleaned
        return cls(tuple(sorted(found.items())))

    def to_json(self) -> dict[str, str]:
        return {str(score.value): text for score, text in self.texts}

    def by_number(self) -> dict[int, str]:
        return {score.value: text for score, text in self.texts}

    def __getitem__(self, score: Score) -> str:
        for key, text in self.texts:
            if key == score:
                return text
        raise KeyError(score)

    def __iter__(self) -> Iterator[Score]:
        return (score for score, _ in self.texts)

    def __len__(self) -> int:
        return len(self.texts)


def descriptor_score(key: object) -> Score | None:
    """The score a descriptor key names (1, \"1\" or Score(1)); None for anything else."""
    if isinstance(key, Score):
        return key
    if isinstance(key, bool):
        return None
    text = str(key).strip()
    if not text.isdigit() or str(int(text)) != text or not 1 <= int(text) <= 5:
        return None
    return Score(int(text))
