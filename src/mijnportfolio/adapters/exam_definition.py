"""Exam definition files: JSON or YAML in, the domain's ExamDefinition out, and back again.

A bad file never gets further than this module and the domain's rule check: the caller gets
InvalidExamDefinition with one Dutch sentence per problem, each naming its place
("Onderdeel 2, criterium 3: ..."), and nothing is stored.

Safety: at most 1 MB; YAML through the safe loader only, and aliases (the "billion laughs"
bomb), very deep nesting and huge numbers of nodes are refused before anything is built.
"""

from __future__ import annotations

import difflib
import json
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml
from marshmallow import Schema, ValidationError, fields, post_load

from mijnportfolio.domain.catalogue import (
    CoreTaskDefinition,
    CriterionDefinition,
    ExamDefinition,
    InvalidExamDefinition,
    PartDefinition,
    ScoringDefinition,
    WorkProcessDefinition,
    core_task_place,
    criterion_place,
    definition_problems,
    part_place,
)

MAX_BYTES = 1_000_000
MAX_DEPTH = 20
MAX_NODES = 200_000
MAX_ERRORS = 50

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_UNKNOWN = "__unknown_field__"
_TYPE = "__not_a_mapping__"


# --- fields with Dutch messages ------------------------------------------------------------


def _messages(label: str, **extra: str) -> dict[str, str | list[Any] | dict[Any, Any]]:
    return {"required": f"{label} ontbreekt.", "null": f"{label} mag niet leeg (null) zijn.", **extra}


class _Text(fields.Field):
    """Text; a number is taken as its text (YAML reads `title: 2024` as a number)."""

    def __init__(self, label: str, **kwargs: Any) -> None:
        self.label = label
        super().__init__(error_messages=_messages(label), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise ValidationError(f"{self.label} moet tekst zijn.")
        return str(value).strip()


class _WholeNumber(fields.Field):
    def __init__(self, label: str, **kwargs: Any) -> None:
        self.label = label
        super().__init__(error_messages=_messages(label), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise ValidationError(f"{self.label} moet een geheel getal zijn.")
        if isinstance(value, int):
            return value
        if isinstance(value, str) and value.strip().isdigit():
            return int(value.strip())
        raise ValidationError(f"{self.label} moet een geheel getal zijn, niet '{value}'.")


class _Boolean(fields.Field):
    TRUE = {"true", "ja", "yes", "1", "waar"}
    FALSE = {"false", "nee", "no", "0", "onwaar", ""}

    def __init__(self, label: str, **kwargs: Any) -> None:
        self.label = label
        super().__init__(error_messages=_messages(label), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower() if isinstance(value, (str, int)) else None
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValidationError(f"{self.label} moet true of false zijn.")


class _Grade(fields.Field):
    def __init__(self, label: str, **kwargs: Any) -> None:
        self.label = label
        super().__init__(error_messages=_messages(label), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise ValidationError(f"{self.label} moet een getal zijn, bijvoorbeeld 5.5.")
        try:
            return Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation:
            raise ValidationError(f"{self.label} moet een getal zijn, bijvoorbeeld 5.5, niet '{value}'.") from None


class _Descriptors(fields.Field):
    """{score: text} for scores 1-5; JSON gives the keys as text, YAML as numbers."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(error_messages=_messages("De beschrijvingen (descriptors)"), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, dict):
            raise ValidationError(
                "de beschrijvingen (descriptors) moeten per score gegeven worden, bijvoorbeeld {1: \"...\", 5: \"...\"}."
            )
        errors: list[str] = []
        result: dict[object, str] = {}
        for key, text in value.items():
            score = _score(key)
            if score is None:
                # Kept as given: the domain's rule check names it ("score 6 is niet toegestaan"),
                # together with every other rule that the file breaks.
                result[_as_number(key)] = "" if text is None else str(text)
                continue
            if score in result:
                errors.append(f"score {score} heeft twee beschrijvingen.")
                continue
            if text is None:
                continue
            if isinstance(text, bool) or not isinstance(text, (str, int, float)):
                errors.append(f"de beschrijving voor score {score} moet tekst zijn.")
                continue
            result[score] = str(text).strip()
        if errors:
            raise ValidationError(errors)
        return result


def _as_number(key: object) -> object:
    if isinstance(key, str) and key.strip().lstrip("-").isdigit():
        return int(key.strip())
    return key


def _score(key: object) -> int | None:
    if isinstance(key, bool):
        return None
    if isinstance(key, int):
        return key if 1 <= key <= 5 else None
    if isinstance(key, str) and key.strip() in {"1", "2", "3", "4", "5"}:
        return int(key.strip())
    return None


class _Base(Schema):
    error_messages = {"unknown": _UNKNOWN, "type": _TYPE}


def _required_list(schema: type, label: str) -> fields.List:
    """A required list of nested items, with Dutch messages naming the list."""
    return fields.List(
        fields.Nested(schema),
        required=True,
        error_messages=_messages(label, required=f"{label} ontbreken.", invalid=f"{label} moeten een lijst zijn."),
    )


class WorkProcessSchema(_Base):
    code = _Text("De code (code)", required=True)
    title = _Text("De titel (title)", load_default="")

    @post_load
    def make(self, data, **kwargs):
        return WorkProcessDefinition(**data)


class CoreTaskSchema(_Base):
    code = _Text("De code (code)", required=True)
    title = _Text("De titel (title)", load_default="")
    work_processes = _required_list(WorkProcessSchema, "De werkprocessen (work_processes)")

    @post_load
    def make(self, data, **kwargs):
        return CoreTaskDefinition(code=data["code"], title=data["title"], work_processes=tuple(data["work_processes"]))


class CriterionSchema(_Base):
    work_process = _Text("Het werkproces (work_process)", required=True)
    text = _Text("De tekst (text)", required=True)
    knock_out = _Boolean("Knock-out (knock_out)", load_default=False)
    descriptors = _Descriptors(load_default=dict)

    @post_load
    def make(self, data, **kwargs):
        return CriterionDefinition(**data)


class PartSchema(_Base):
    number = _WholeNumber("Het nummer (number)", required=True)
    title = _Text("De titel (title)", load_default="")
    criteria = _required_list(CriterionSchema, "De criteria (criteria)")

    @post_load
    def make(self, data, **kwargs):
        return PartDefinition(number=data["number"], title=data["title"], criteria=tuple(data["criteria"]))


class ScoringSchema(_Base):
    pass_mark = _Grade("De cesuur (pass_mark)", load_default=Decimal("5.5"))
    justification_scores = fields.List(
        _WholeNumber("Een score"),
        load_default=lambda: [1, 2, 5],
        error_messages=_messages(
            "De scores met onderbouwing (justification_scores)",
            invalid="De scores met onderbouwing (justification_scores) moeten een lijst zijn, bijvoorbeeld [1, 2, 5].",
        ),
    )

    work_process_minimum = _Grade("Het minimum per werkproces (work_process_minimum)", load_default=None, allow_none=True)

    @post_load
    def make(self, data, **kwargs):
        return ScoringDefinition(
            pass_mark=data["pass_mark"], justification_scores=tuple(data["justification_scores"]),
            work_process_minimum=data["work_process_minimum"],
        )


class ExamDefinitionSchema(_Base):
    code = _Text("De examencode (code)", required=True)
    name = _Text("De naam (name)", required=True)
    module = _Text("De module (module)", load_default=None, allow_none=True)
    planning_instruction = _Text("De planningsinstructie (planning_instruction)", load_default=None, allow_none=True)
    location = _Text("De locatie (location)", load_default=None, allow_none=True)
    max_attempts = _WholeNumber("Het maximaal aantal pogingen (max_attempts)", load_default=None, allow_none=True)
    scoring = fields.Nested(ScoringSchema, load_default=ScoringDefinition)
    core_tasks = _required_list(CoreTaskSchema, "De kerntaken (core_tasks)")
    parts = _required_list(PartSchema, "De onderdelen (parts)")

    @post_load
    def make(self, data, **kwargs):
        return ExamDefinition(
            code=data["code"],
            name=data["name"],
            module=data["module"] or None,
            planning_instruction=data["planning_instruction"] or None,
            location=data["location"] or None,
            max_attempts=data["max_attempts"],
            scoring=data["scoring"],
            core_tasks=tuple(data["core_tasks"]),
            parts=tuple(data["parts"]),
        )


_SCHEMAS = {
    (): ExamDefinitionSchema,
    ("scoring",): ScoringSchema,
    ("core_tasks",): CoreTaskSchema,
    ("core_tasks", "work_processes"): WorkProcessSchema,
    ("parts",): PartSchema,
    ("parts", "criteria"): CriterionSchema,
}


# --- reading ---------------------------------------------------------------------------------


def parse_exam_definition(data: bytes, filename: str = "") -> ExamDefinition:
    """Read, validate and check one exam definition; raise InvalidExamDefinition on any problem."""
    document = load_document(data, filename)
    if not isinstance(document, dict):
        raise InvalidExamDefinition(
            [
                "Het bestand beschrijft geen examen: bovenaan horen velden als code, name, core_tasks en parts "
                "te staan. Download het voorbeeldbestand om te zien hoe het eruitziet."
            ]
        )
    try:
        definition = ExamDefinitionSchema().load(document)
    except ValidationError as exc:
        raise InvalidExamDefinition(_limit(human_errors(exc.messages, document))) from None
    problems = definition_problems(definition)
    if problems:
        raise InvalidExamDefinition(_limit(problems))
    return definition


def _limit(errors: list[str]) -> list[str]:
    if len(errors) > MAX_ERRORS:
        return errors[:MAX_ERRORS] + [f"… en nog {len(errors) - MAX_ERRORS} fouten."]
    return errors


def load_document(data: bytes, filename: str = "") -> Any:
    """The parsed JSON or YAML of ``data`` (plain dicts, lists and scalars)."""
    if len(data) > MAX_BYTES:
        raise InvalidExamDefinition(
            ["Het bestand is te groot: een examenbestand mag hoogstens 1 MB zijn. Kies een kleiner bestand."]
        )
    text = _decode(data)
    if not text.strip():
        raise InvalidExamDefinition(["Het bestand is leeg."])
    name = (filename or "").lower()
    is_json = name.endswith(".json") or (not name.endswith((".yaml", ".yml")) and text.lstrip()[:1] in "{[")
    return _load_json(text) if is_json else _load_yaml(text)


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidExamDefinition(
            ["Dit is geen JSON- of YAML-bestand: het is geen tekst (UTF-8). Kies een .json-, .yaml- of .yml-bestand."]
        ) from None
    if "\x00" in text:
        raise InvalidExamDefinition(["Dit is geen JSON- of YAML-bestand: het bevat binaire gegevens."])
    return text


def _load_json(text: str) -> Any:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidExamDefinition(
            [f"Het bestand is geen geldige JSON: fout op regel {exc.lineno}, kolom {exc.colno} ({exc.msg})."]
        ) from None
    except RecursionError:
        raise InvalidExamDefinition(["Het bestand is te diep genest om een examen te kunnen zijn."]) from None
    _check_depth(document)
    return document


def _load_yaml(text: str) -> Any:
    try:
        depth = nodes = 0
        for event in yaml.parse(text, Loader=_Loader):
            nodes += 1
            if isinstance(event, yaml.AliasEvent):
                raise InvalidExamDefinition(
                    ["YAML-verwijzingen (ankers & en aliassen *) worden niet ondersteund; schrijf alles voluit."]
                )
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise InvalidExamDefinition(["Het bestand is te diep genest om een examen te kunnen zijn."])
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
            if nodes > MAX_NODES:
                raise InvalidExamDefinition(["Het bestand bevat te veel gegevens om een examen te kunnen zijn."])
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - the safe loader, aliases refused above
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" op regel {mark.line + 1}, kolom {mark.column + 1}" if mark else ""
        detail = f" ({exc.problem})" if exc.problem else ""
        raise InvalidExamDefinition(
            [f"Het bestand is geen geldige YAML of JSON: fout{where}{detail}. Controleer de inspringing, "
             "dubbele punten en aanhalingstekens rond die regel."]
        ) from None
    except yaml.YAMLError as exc:
        raise InvalidExamDefinition([f"Het bestand is geen geldige YAML of JSON ({exc})."]) from None
    except RecursionError:
        raise InvalidExamDefinition(["Het bestand is te diep genest om een examen te kunnen zijn."]) from None


def _check_depth(value: Any, depth: int = 0) -> None:
    if depth > MAX_DEPTH:
        raise InvalidExamDefinition(["Het bestand is te diep genest om een examen te kunnen zijn."])
    if isinstance(value, dict):
        for item in value.values():
            _check_depth(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_depth(item, depth + 1)


# --- marshmallow's nested errors as sentences for people --------------------------------------


def human_errors(messages: Any, document: Any) -> list[str]:
    """Flatten marshmallow's {field: {index: {field: [msg]}}} into "Place: message." sentences."""
    out: list[str] = []
    _walk(messages, [], document, out)
    return out


def _walk(node: Any, path: list, document: Any, out: list[str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, list) and all(isinstance(m, str) for m in value):
                for message in value:
                    out.append(_sentence(path, key, message, document))
            else:
                _walk(value, path + [key], document, out)
    elif isinstance(node, list):
        for message in node:
            out.append(_sentence(path[:-1], path[-1] if path else "_schema", str(message), document))


def _sentence(path: list, key: Any, message: str, document: Any) -> str:
    place = _place(path, document)
    if message == _UNKNOWN:
        allowed = _allowed_fields(path)
        hint = difflib.get_close_matches(str(key), allowed, n=1)
        suggestion = f"; bedoel je '{hint[0]}'?" if hint else f". Toegestaan: {', '.join(allowed)}."
        return f"{place}: onbekend veld '{key}'{suggestion}"
    if message == _TYPE:
        if key == "_schema" or isinstance(key, int):
            return f"{place}: hier worden velden verwacht (zoals {', '.join(_allowed_fields(path)[:3])}), geen losse waarde."
        return f"{place}: {key} moet uit velden bestaan, geen losse waarde."
    text = message[:1].lower() + message[1:]
    if not text.endswith((".", "?")):
        text += "."
    return f"{place}: {text}"


def _allowed_fields(path: list) -> list[str]:
    names = tuple(p for p in path if isinstance(p, str))
    schema = _SCHEMAS.get(names, ExamDefinitionSchema)
    return list(schema().fields)


def _place(path: list, document: Any) -> str:
    """Name the place of ``path`` the way a person reads the file."""
    def item(collection: str, index: int) -> Any:
        values = document.get(collection) if isinstance(document, dict) else None
        return values[index] if isinstance(values, list) and 0 <= index < len(values) else None

    if len(path) >= 2 and path[0] == "parts" and isinstance(path[1], int):
        part = item("parts", path[1])
        number = part.get("number") if isinstance(part, dict) else None
        if len(path) >= 4 and path[2] == "criteria" and isinstance(path[3], int):
            return criterion_place(path[1], number, path[3])
        return part_place(path[1], number)
    if len(path) >= 2 and path[0] == "core_tasks" and isinstance(path[1], int):
        core_task = item("core_tasks", path[1])
        code = core_task.get("code") if isinstance(core_task, dict) else None
        place = core_task_place(path[1], code)
        if len(path) >= 4 and path[2] == "work_processes" and isinstance(path[3], int):
            place += f", werkproces {path[3] + 1}"
        return place
    if path and path[0] == "scoring":
        return "Beoordelingsregel (scoring)"
    return "Examen"


# --- writing ---------------------------------------------------------------------------------


def definition_to_dict(definition: ExamDefinition) -> dict[str, Any]:
    """The plain structure of the file format (fields left out when empty)."""
    data: dict[str, Any] = {"code": definition.code, "name": definition.name}
    for key in ("module", "planning_instruction", "location", "max_attempts"):
        value = getattr(definition, key)
        if value not in (None, ""):
            data[key] = value
    data["scoring"] = {
        "pass_mark": float(definition.scoring.pass_mark),
        "justification_scores": list(definition.scoring.justification_scores),
    }
    if definition.scoring.work_process_minimum is not None:
        data["scoring"]["work_process_minimum"] = float(definition.scoring.work_process_minimum)
    data["core_tasks"] = [
        {
            "code": ct.code,
            "title": ct.title,
            "work_processes": [{"code": wp.code, "title": wp.title} for wp in ct.work_processes],
        }
        for ct in definition.core_tasks
    ]
    data["parts"] = [
        {
            "number": part.number,
            "title": part.title,
            "criteria": [_criterion_dict(c) for c in part.criteria],
        }
        for part in definition.parts
    ]
    return data


def _criterion_dict(criterion: CriterionDefinition) -> dict[str, Any]:
    data: dict[str, Any] = {
        "work_process": criterion.work_process,
        "text": criterion.text,
        "knock_out": bool(criterion.knock_out),
    }
    if criterion.descriptors:
        data["descriptors"] = {int(k): v for k, v in sorted(criterion.descriptors.items(), key=lambda kv: int(kv[0]))}
    return data


class _Dumper(yaml.SafeDumper):
    pass


def _represent_text(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_text)


def dump_exam_definition(definition: ExamDefinition, fmt: str = "yaml") -> bytes:
    """The definition as a YAML or JSON file (UTF-8) that uploads as the same exam."""
    data = definition_to_dict(definition)
    if fmt == "json":
        return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100).encode("utf-8")


EXAMPLE_YAML = """\
# Voorbeeld van een examenbestand voor MijnPortfolio (YAML; JSON met dezelfde velden mag ook).
# Uploaden via Opleidingen > een opleiding > 'Examen uploaden'.
code: LM                           # verplicht, uniek binnen de opleiding
name: Leidinggeven en meewerken    # verplicht
module: Beroepsgericht             # optioneel: wordt aangemaakt als de opleiding die module nog niet heeft
planning_instruction: |
  Plan beide onderdelen binnen zes weken op de werkplek.
  Onderdeel 2 volgt na onderdeel 1.
location: Op de werkplek van de student
max_attempts: 3                    # optioneel; weglaten = onbeperkt
scoring:
  pass_mark: 5.5                   # cesuur per kerntaak (1.0 t/m 10.0)
  justification_scores: [1, 2, 5]  # bij deze scores is een onderbouwing verplicht
  # work_process_minimum: 4.5      # optioneel: elk werkproces minstens dit cijfer
core_tasks:
  - code: B1-K1
    title: Bieden van zorg en ondersteuning
    work_processes:
      - code: B1-K1-W1
        title: Onderkent de gezondheidstoestand
      - code: B1-K1-W2
        title: Stelt het zorgplan op
  - code: B1-K2
    title: Werken aan kwaliteit en deskundigheid
    work_processes:
      - code: B1-K2-W1
        title: Werkt aan de eigen deskundigheid
parts:                             # minstens één; genummerd 1, 2, 3 ... zonder gaten
  - number: 1
    title: Zorg verlenen
    criteria:                      # minstens één per onderdeel
      - work_process: B1-K1-W1     # moet hierboven bij een kerntaak staan
        text: De student brengt de gezondheidstoestand van de zorgvrager in kaart.
        knock_out: false
        descriptors:               # optioneel; alleen scores 1 t/m 5
          1: Brengt de gezondheidstoestand niet in kaart.
          3: Brengt de belangrijkste aspecten in kaart.
          5: Brengt alle aspecten volledig en onderbouwd in kaart.
      - work_process: B1-K1-W2
        text: De student stelt samen met de zorgvrager een zorgplan op.
        knock_out: true            # knock-out: lager dan 3 betekent de kerntaak niet behaald
  - number: 2
    title: Reflecteren
    criteria:
      - work_process: B1-K2-W1
        text: De student reflecteert op het eigen handelen.
"""
