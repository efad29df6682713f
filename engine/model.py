"""Typed model of flows.yaml: steps, options, branches, conditions and alerts.

The flow is data (ARCHITECTURE.md): it is validated once at start-up into these models, and the
engine only ever reads them.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal, Union, get_args

from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler, field_validator, model_validator
from pydantic_core import CoreSchema, core_schema

LANGS = ("zh", "en")


class Strict(BaseModel):
    """Base for every flow model: unknown fields are errors, so a typo never passes silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class LocalText(Strict):
    """A text in both supported languages (Simplified Chinese and English)."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class Condition(Strict):
    """A declarative test on earlier answers; exactly one form is used (no eval anywhere)."""

    answer: str | None = None
    # The answer (a time) lies wholly before the time another answer names: "opted out before the latest call".
    before: str | None = None
    equals: Any = None
    in_: list[Any] | None = Field(default=None, alias="in")
    contains: Any = None
    is_set: bool | None = None
    gte: float | None = None
    lte: float | None = None
    matches_any: list[str] | None = None
    all: list[Condition] | None = None
    any: list[Condition] | None = None
    not_: Condition | None = Field(default=None, alias="not")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _one_form(self) -> "Condition":
        combinators = [x for x in (self.all, self.any, self.not_) if x is not None]
        tests = [
            x
            for x in (self.equals, self.in_, self.contains, self.is_set, self.gte, self.lte, self.matches_any, self.before)
            if x is not None
        ]
        if combinators and (self.answer or tests):
            raise ValueError("a condition is either all/any/not or a test on one answer, not both")
        if len(combinators) > 1:
            raise ValueError("use only one of all/any/not in one condition")
        if not combinators:
            if not self.answer:
                raise ValueError("a condition needs 'answer' (the step id it tests) or all/any/not")
            if len(tests) != 1:
                raise ValueError(
                    "a condition on an answer needs exactly one test: equals, in, contains, is_set, gte, lte, matches_any or before"
                )
        return self


class Branch(Strict):
    """Go to `goto` when `when` holds; a branch without `when` is the default."""

    goto: str
    when: Condition | None = None


Next = Union[str, list[Branch], None]


class Synonyms(Strict):
    """Other ways people type an option (移动 for 中国移动, "every day" for daily), per language."""

    zh: list[str] = Field(default_factory=list)
    en: list[str] = Field(default_factory=list)


class Option(Strict):
    # Short enough to fit in Telegram's 64-byte button data with the question's number.
    value: str = Field(min_length=1, max_length=40)
    label: LocalText
    synonyms: Synonyms | None = None

    @property
    def terms(self) -> list[str]:
        """Everything that names this option when typed: value, both labels, every synonym."""
        extra = [*self.synonyms.zh, *self.synonyms.en] if self.synonyms else []
        return [self.value, self.label.zh, self.label.en, *extra]


# What a merged question can read from one answer besides its own value (issue 13, "ask only what is
# needed"): a time in a choice's typed answer, the free-text rest of a multiple choice, and the parts of a
# text answer (a company named in it; a contact's name, phone and email).
FillKind = Literal["time", "detail", "amount", "same", "company", "name", "phone", "email", "yes"]


class Fill(Strict):
    """An answer that a step writes besides its own, read from the same input; the draft reads it by `id`
    like any answer. Written only when the input holds it: nothing is filled by assumption. A fill may
    name a later step: that question is then asked only when the input did not hold its answer."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    kind: FillKind
    label: LocalText
    # For kind "time": the vaguest time taken ("year" takes "去年", "2019"), and the answer naming the
    # country whose clock and date order it is read in.
    coarsest: Literal["day", "month", "year"] = "year"
    region_from: str | None = None
    # Kept only when this holds with the step's new answer (no "since when" for something that happened once).
    when: Condition | None = None


class Step(Strict):
    """What every step has; each type (below, or registered from engine/steps/) adds its own fields."""

    type: str
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    prompt: LocalText
    label: LocalText | None = None
    help: LocalText | None = None
    optional: bool = False
    next: Next = None
    when: Condition | None = None
    fills: list[Fill] = Field(default_factory=list)

    @property
    def takes_answer(self) -> bool:
        return True

    @property
    def writes(self) -> list[str]:
        """The answers this step's input writes besides its own (dropped when it is answered again without them)."""
        return [f.id for f in self.fills]


class MessageStep(Step):
    type: Literal["message"]

    @property
    def takes_answer(self) -> bool:
        return False


class TextStep(Step):
    type: Literal["text"]
    # Earlier answers offered as a one-tap button ("同上": the called number as the contact phone); the
    # first one given is offered.
    suggest_from: list[str] | None = None

    @field_validator("suggest_from", mode="before")
    @classmethod
    def _one_or_more(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value
    min_length: int = Field(default=1, ge=0)
    max_length: int = Field(default=2000, ge=1)
    pattern: str | None = None
    pattern_error: LocalText | None = None
    validator: str | None = None


class NumberStep(Step):
    type: Literal["number"]
    min: float | None = None
    max: float | None = None
    integer: bool = False


class Combo(Strict):
    """A button that answers the question and a later one in one tap ("有，之后还在打" is opted_out = yes and
    contact_after_opt_out = yes): what a typed merged answer carries, for a person who only taps. The
    later answer is written only when this button is tapped (or its label typed), never assumed."""

    value: str = Field(min_length=1, max_length=40)
    label: LocalText
    # Later choice steps and the option each gets.
    also: dict[str, str] = Field(min_length=1)


class ChoiceStep(Step):
    type: Literal["choice"]
    options: list[Option] = Field(min_length=1)
    default_by_lang: dict[str, str] | None = None
    combos: list[Combo] = Field(default_factory=list)

    @property
    def writes(self) -> list[str]:
        return [*super().writes, *(key for combo in self.combos for key in combo.also)]


class ChoicesStep(Step):
    type: Literal["choices"]
    options: list[Option] = Field(min_length=1)
    min_selected: int = Field(default=1, ge=0)
    max_selected: int | None = None
    # One tap on an option answers "just this one"; a "pick several" button turns the buttons into ticks
    # with Done. For questions where one answer is the usual one: a single pick costs one tap, not two.
    one_tap: bool = False


class PhoneStep(Step):
    type: Literal["phone"]
    multiple: bool = True
    max_numbers: int = Field(default=10, ge=1)
    region_from: str | None = None


class DateTimeStep(Step):
    type: Literal["datetime"]
    region_from: str | None = None
    allow_future: bool = False
    # The vaguest answer taken: "day" asks for at least the day; "month" or "year" also take "上个月",
    # "2019" — for questions people often answer only that way ("since when", "registered when").
    coarsest: Literal["day", "month", "year"] = "day"


class EvidenceStep(Step):
    type: Literal["evidence"]
    min_items: int = Field(default=0, ge=0)
    max_items: int = Field(default=30, ge=1)
    accept: list[str] = Field(default_factory=lambda: ["image", "pdf", "audio", "video", "text", "forward"])
    max_size_mb: float = Field(default=20, gt=0)


class ConfirmStep(Step):
    type: Literal["confirm"]
    yes_label: LocalText | None = None
    no_label: LocalText | None = None
    on_no: str | None = None


class SummaryStep(Step):
    type: Literal["summary"]
    # Its OK button also confirms that the answers are true (a `yes` fill), so no separate question.
    ok_label: LocalText | None = None

    @property
    def takes_answer(self) -> bool:
        return False


class ChannelStep(Step):
    type: Literal["channel"]
    region_from: str | None = None


class EndStep(Step):
    type: Literal["end"]

    @property
    def takes_answer(self) -> bool:
        return False


# Every step type by its `type` name, in the order they are listed when a name is unknown; a new type is
# added with `register_step_model` (engine/steps/registry.py does it for a new behaviour module).
STEP_MODELS: dict[str, type[Step]] = {}


def step_type_name(model: type[Step]) -> str:
    """The `type` a step model is written with in flows.yaml: its `Literal` tag."""
    (name,) = get_args(model.model_fields["type"].annotation)
    return str(name)


def register_step_model(model: type[Step]) -> None:
    """Make `model` a step type flows may use; the flow schema is rebuilt to include it."""
    name = step_type_name(model)
    if STEP_MODELS.get(name) is model:
        return
    STEP_MODELS[name] = model
    if "Flow" in globals():
        Flow.model_rebuild(force=True)


class _RegisteredStep:
    """Validates a step as the model its `type` names, among the registered ones: a discriminated union
    built when the flow schema is, so errors keep their path (steps.3.choice.options) and a type added
    later is one registration away."""

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        choices = {name: handler.generate_schema(model) for name, model in STEP_MODELS.items()}
        return core_schema.tagged_union_schema(choices, discriminator="type")


for _model in (
    MessageStep,
    TextStep,
    NumberStep,
    ChoiceStep,
    ChoicesStep,
    PhoneStep,
    DateTimeStep,
    EvidenceStep,
    ConfirmStep,
    SummaryStep,
    ChannelStep,
    EndStep,
):
    register_step_model(_model)

EVIDENCE_KINDS = ("image", "pdf", "audio", "video", "text", "forward", "document")


class Alert(Strict):
    """A message shown once per case as soon as the answers match `when` (e.g. urgent fraud advice)."""

    id: str
    when: Condition
    text: LocalText


class FlowInfo(Strict):
    id: str
    version: int = 1
    start: str | None = None


class Flow(Strict):
    """A whole conversation: steps in order (a step's default next is the one below it)."""

    flow: FlowInfo
    steps: list[Annotated[Step, _RegisteredStep()]] = Field(min_length=1)
    alerts: list[Alert] = Field(default_factory=list)

    if TYPE_CHECKING:
        # Plain instance attributes set below, not pydantic PrivateAttrs, which are read through __getattr__
        # (about 5 µs a read); the engine looks steps up dozens of times per event (issue 15).
        _by_id: dict[str, Step]
        _following: dict[str, str | None]
        _fills: dict[str, str]

    def model_post_init(self, __context: Any) -> None:
        object.__setattr__(self, "_by_id", {s.id: s for s in self.steps})
        below = [s.id for s in self.steps[1:]] + [None]
        object.__setattr__(self, "_following", {s.id: after for s, after in zip(self.steps, below)})
        object.__setattr__(self, "_fills", {f.id: s.id for s in self.steps for f in s.fills})

    @property
    def start(self) -> str:
        return self.flow.start or self.steps[0].id

    def step(self, step_id: str) -> Step:
        return self._by_id[step_id]

    def has(self, step_id: str) -> bool:
        return step_id in self._by_id

    def has_answer(self, key: str) -> bool:
        """A step's answer or one a merged step fills (what a proposal from evidence may set)."""
        return self.has(key) or key in self._fills

    def filled_by(self, key: str) -> str | None:
        """The step whose input writes `key` as a fill, if any."""
        return self._fills.get(key)

    def following(self, step_id: str) -> str | None:
        """The step written below `step_id`: the default next."""
        return self._following[step_id]
