"""The calculator panel: a safe expression line and a small form per course formula,
with live results, the worked steps, and a copyable history of the session."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Checkbox, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from lessons.calc import CalcError, evaluate
from lessons.formulas import FORMULAS, Formula, FormulaError
from tui.widgets.fields import AsciiCheckbox, AsciiSelect, SteadyInput

EXPRESSION = "expression"


@dataclass(frozen=True)
class Calculation:
    """One line of the history: what was asked and what came out."""

    label: str
    result: str
    steps: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join([f"{self.label} = {self.result}", *self.steps])


class CalculatorPanel(Vertical, can_focus=False):
    """Toggled with ``=``; Escape closes it. Every change recomputes at once."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close calc", tooltip="Close the calculator panel"),
        Binding(
            "ctrl+y", "copy_last", "Copy result", tooltip="Copy the last result and its steps (OSC 52, works over SSH)"
        ),
    ]

    class Closed(Message):
        """Escape in the panel: the app hides it and gives the focus back."""

    def __init__(self, history: list[Calculation], **kwargs) -> None:
        super().__init__(**kwargs)
        self.history = history  # shared by the app: the same on every screen
        self.current: Calculation | None = None
        self.kind = ""

    def compose(self) -> ComposeResult:
        yield Static(Content.from_markup("[b]Calculator[/b]  Enter keeps a result, esc closes"), classes="calc-title")
        options = [("Expression", EXPRESSION)]
        options += [(f.title, name) for name, f in FORMULAS.items()]
        yield AsciiSelect(options, value=EXPRESSION, allow_blank=False, id="calc-kind")
        yield Static(id="calc-result")
        with VerticalScroll(id="calc-scroll", can_focus=False):
            yield Vertical(id="calc-form")
            yield Label("History (Enter copies)", classes="calc-section")
            yield OptionList(id="calc-history")

    def on_mount(self) -> None:
        self._build_form(EXPRESSION)
        self.show_history()

    # ------------------------------------------------------------------ form

    @on(Select.Changed, "#calc-kind")
    async def _kind_changed(self, event: Select.Changed) -> None:
        event.stop()
        if str(event.value) != self.kind:
            await self._rebuild(str(event.value))

    async def _rebuild(self, kind: str) -> None:
        self.kind = kind
        form = self.query_one("#calc-form", Vertical)
        await form.remove_children()
        self._build_form(kind)

    def _build_form(self, kind: str) -> None:
        form = self.query_one("#calc-form", Vertical)
        self.kind = kind
        widgets = []
        if kind == EXPRESSION:
            widgets.append(
                SteadyInput(placeholder="e.g. ceil(16 / 2) * 12 KB / 4 KB", id="calc-expr", classes="calc-field")
            )
        else:
            formula = FORMULAS[kind]
            widgets.append(Static(formula.summary, classes="calc-summary"))
            for param in formula.params:
                if param.type is bool:
                    widgets.append(
                        AsciiCheckbox(
                            param.label, value=bool(param.default), id=f"p-{param.name}", classes="calc-field"
                        )
                    )
                elif param.choices:
                    widgets.append(Label(param.label))
                    widgets.append(
                        AsciiSelect(
                            [(c, c) for c in param.choices],
                            value=param.default or param.choices[0],
                            allow_blank=False,
                            id=f"p-{param.name}",
                            classes="calc-field",
                        )
                    )
                else:
                    widgets.append(Label(param.label))
                    default = "" if param.default is None else str(param.default)
                    widgets.append(
                        SteadyInput(
                            value=default,
                            placeholder=param.help or "a number",
                            id=f"p-{param.name}",
                            classes="calc-field",
                        )
                    )
        form.mount_all(widgets)
        result = self.query_one("#calc-result", Static)
        result.update("")
        result.display = False
        self.current = None
        if kind != EXPRESSION:
            self.call_after_refresh(self.compute)

    def focus_first(self) -> None:
        fields = self.query(".calc-field")
        if fields:
            fields.first().focus()
        else:
            self.query_one("#calc-kind").focus()

    # ------------------------------------------------------------------ computing

    @on(Input.Changed)
    @on(Select.Changed, ".calc-field")
    @on(Checkbox.Changed)
    def _recompute(self, event: Message) -> None:
        event.stop()
        self.compute()

    def compute(self) -> Calculation | None:
        out = self.query_one("#calc-result", Static)
        self.current = None
        out.display = True
        try:
            if self.kind == EXPRESSION:
                text = self.query_one("#calc-expr", Input).value
                if not text.strip():
                    out.update("")
                    out.display = False
                    return None
                value = evaluate(text)
                self.current = Calculation(text.strip(), value.text, ())
            else:
                formula = FORMULAS[self.kind]
                raw = self._form_values(formula)
                if any(p.required and not str(raw.get(p.name, "")).strip() for p in formula.params):
                    out.update(Content.styled("Fill in every field.", "dim"))
                    return None
                result = formula(**formula.coerce(raw))
                label = formula.title + ": " + ", ".join(f"{p.label} {raw[p.name]}" for p in formula.params)
                self.current = Calculation(
                    label, result.text, tuple(result.steps) + tuple(f"Warning: {w}" for w in result.warnings)
                )
        except (CalcError, FormulaError) as error:
            out.update(Content.styled(str(error), "$text-error"))
            return None
        parts: list = [("= ", "bold"), (self.current.result, "bold $text-accent")]
        for step in self.current.steps:
            parts += ["\n", step]
        out.update(Content.assemble(*parts))
        return self.current

    def _form_values(self, formula: Formula) -> dict[str, object]:
        raw: dict[str, object] = {}
        for param in formula.params:
            widget = self.query_one(f"#p-{param.name}")
            if isinstance(widget, Checkbox):
                raw[param.name] = widget.value
            elif isinstance(widget, Select):
                raw[param.name] = str(widget.value)
            else:
                raw[param.name] = widget.value  # type: ignore[attr-defined]
        return raw

    @on(Input.Submitted)
    def _keep(self, event: Input.Submitted) -> None:
        event.stop()
        calculation = self.compute()
        if calculation is not None:
            self.add_to_history(calculation)

    # ------------------------------------------------------------------ history

    def add_to_history(self, calculation: Calculation) -> None:
        self.history.append(calculation)
        self.show_history()

    def show_history(self) -> None:
        history = self.query_one("#calc-history", OptionList)
        history.clear_options()
        for n, calculation in enumerate(reversed(self.history)):
            history.add_option(Option(f"{calculation.label} = {calculation.result}", id=str(len(self.history) - 1 - n)))

    @on(OptionList.OptionSelected, "#calc-history")
    def _copy_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        calculation = self.history[int(event.option.id or 0)]
        self.app.copy_to_clipboard(calculation.text)
        self.notify("Copied the calculation and its steps.", timeout=3)

    def action_copy_last(self) -> None:
        calculation = self.current or (self.history[-1] if self.history else None)
        if calculation is None:
            self.notify("Nothing to copy yet.", timeout=3)
            return
        self.app.copy_to_clipboard(calculation.text)
        self.notify("Copied the result and its steps.", timeout=3)

    def action_close(self) -> None:
        self.post_message(self.Closed())
