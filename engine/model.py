"""Typed model of flows.yaml: steps, options, branches, conditions and alerts.

The flow is data (ARCHITECTURE.md): it is validated once at start-up into these models, and the
engine only ever reads them.
"""
from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

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


class StepBase(Strict):
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


class MessageStep(StepBase):
    type: Literal["message"]

    @property
    def takes_answer(self) -> bool:
        return False


class TextStep(StepBase):
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


class NumberStep(StepBase):
    type: Literal["number"]
    min: float | None = None
    max: float | None = None
    integer: bool = False


class ChoiceStep(StepBase):
    type: Literal["choice"]
    options: list[Option] = Field(min_length=1)
    default_by_lang: dict[str, str] | None = None


class ChoicesStep(StepBase):
    type: Literal["choices"]
    options: list[Option] = Field(min_length=1)
    min_selected: int = Field(default=1, ge=0)
    max_selected: int | None = None


class PhoneStep(StepBase):
    type: Literal["phone"]
    multiple: bool = True
    max_numbers: int = Field(default=10, ge=1)
    region_from: str | None = None


class DateTimeStep(StepBase):
    type: Literal["datetime"]
    region_from: str | None = None
    allow_future: bool = False
    # The vaguest answer taken: "day" asks for at least the day; "month" or "year" also take "上个月",
    # "2019" — for questions people often answer only that way ("since when", "registered when").
    coarsest: Literal["day", "month", "year"] = "day"


class EvidenceStep(StepBase):
    type: Literal["evidence"]
    min_items: int = Field(default=0, ge=0)
    max_items: int = Field(default=30, ge=1)
    accept: list[str] = Field(default_factory=lambda: ["image", "pdf", "audio", "video", "text", "forward"])
    max_size_mb: float = Field(default=20, gt=0)


class ConfirmStep(StepBase):
    type: Literal["confirm"]
    yes_label: LocalText | None = None
    no_label: LocalText | None = None
    on_no: str | None = None


class SummaryStep(StepBase):
    type: Literal["summary"]
    # Its OK button also confirms that the answers are true (a `yes` fill), so no separate question.
    ok_label: LocalText | None = None

    @property
    def takes_answer(self) -> bool:
        return False


class ChannelStep(StepBase):
    type: Literal["channel"]
    region_from: str | None = None


class EndStep(StepBase):
    type: Literal["end"]

    @property
    def takes_answer(self) -> bool:
        return False


Step = Annotated[
    Union[
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
    ],
    Field(discriminator="type"),
]

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
    steps: list[Step] = Field(min_length=1)
    alerts: list[Alert] = Field(default_factory=list)

    def model_post_init(self, __context: Any) -> None:
        object.__setattr__(self, "_by_id", {s.id: s for s in self.steps})
        object.__setattr__(self, "_order", {s.id: i for i, s in enumerate(self.steps)})
        object.__setattr__(self, "_fills", {f.id: s.id for s in self.steps for f in s.fills})

    @property
    def start(self) -> str:
        return self.flow.start or self.steps[0].id

    def step(self, step_id: str) -> Any:
        return self._by_id[step_id]  # type: ignore[attr-defined]

    def has(self, step_id: str) -> bool:
        return step_id in self._by_id  # type: ignore[attr-defined]

    def has_answer(self, key: str) -> bool:
        """A step's answer or one a merged step fills (what a proposal from evidence may set)."""
        return self.has(key) or key in self._fills  # type: ignore[attr-defined]

    def filled_by(self, key: str) -> str | None:
        """The step whose input writes `key` as a fill, if any."""
        return self._fills.get(key)  # type: ignore[attr-defined,no-any-return]

    def following(self, step_id: str) -> str | None:
        """The step written below `step_id`: the default next."""
        index = self._order[step_id] + 1  # type: ignore[attr-defined]
        return self.steps[index].id if index < len(self.steps) else None
