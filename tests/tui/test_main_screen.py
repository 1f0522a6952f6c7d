"""The lesson screen driven like a user does: keys only, at 80x24 and smaller."""

from __future__ import annotations

from textual.command import CommandList, CommandPalette
from textual.widgets import Static

from tui.keys import as_binding
from tui.screens.help import HelpScreen
from tui.screens.main import MainScreen
from tui.widgets.lesson import LessonView
from tui.widgets.status import StatusBar, TooSmall
from tui.widgets.topic_tree import TopicTree


def palette_first(app) -> str:
    """The text of the palette's first (highlighted) hit, or '' while it is still searching."""
    options = app.screen.query_one(CommandList)
    if options.option_count == 0:
        return ""
    return str(
        options.get_option_at_index(0).prompt.plain
        if hasattr(options.get_option_at_index(0).prompt, "plain")
        else options.get_option_at_index(0).prompt
    )


def current(app):
    """The entry the lesson screen shows (the test fails when it is not the lesson screen)."""
    screen = app.screen
    assert isinstance(screen, MainScreen)
    assert screen.current is not None
    return screen.current


def lesson_text(app) -> str:
    view = app.screen.query_one(LessonView)
    return "\n".join(str(w.content) for w in view.query(Static))


def status_text(app) -> str:
    return str(app.screen.query_one(StatusBar).render())


async def test_opens_at_the_first_entry_with_where_you_are(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert current(app).id == "iam-ec2/region"
        assert "1 IAM and EC2 | entry 1 of 19" in status_text(app)
        assert "A cluster of data centers." in lesson_text(app)
        assert "From the notes: lines 5" in lesson_text(app)
        # Under 100 columns the tree is a toggled panel, hidden at first.
        assert app.screen.has_class("-narrow")
        assert not app.screen.query_one(TopicTree).display or not app.screen.tree_visible


async def test_guided_next_previous_and_marks_are_stored(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "n")
        assert current(app).id == "iam-ec2/mfa"
        await pilot.press("p")
        assert current(app).id == "iam-ec2/iam"
        await pilot.press("g")  # got it: stored, and on to the next entry
        assert current(app).id == "iam-ec2/mfa"
        await pilot.press("a")  # again
        assert current(app).id == "iam-ec2/ec2"
        assert "learned 1/19" in status_text(app)
    assert store.entry_state("iam-ec2/iam").learned
    assert [m for _, m in store.entry_state("iam-ec2/mfa").marks] == ["again"]
    assert store.position() == ("iam-ec2", "iam-ec2/ec2")
    # Both marks rated the entries' cards for spaced repetition.
    assert store.card("iam-ec2/iam")["last_rating"] == "good"
    assert store.card("iam-ec2/mfa")["last_rating"] == "again"


async def test_a_whole_topic_by_keyboard_ends_with_the_quiz_offer(make_app, course) -> None:
    app = make_app()
    total = len(course.reading_order("iam-ec2"))
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(total):
            await pilot.press("g")
        assert app.screen.current is None
        text = lesson_text(app)
        assert "End of topic 1: IAM and EC2" in text
        assert f"marked {total} of {total} entries as learned" in text
        assert "q to take this topic's quiz" in text
        await pilot.press("n")  # on to topic 2
        assert current(app).id == course.reading_order("elb-asg")[0].id


async def test_reopening_resumes_where_the_learner_left_off(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "n", "n", "n")
        where = current(app).id
    again = make_app()
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert again.screen.current.id == where


async def test_tree_selects_topics_and_entries(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("t")  # show the tree panel
        await pilot.pause()
        tree = app.screen.query_one(TopicTree)
        assert app.screen.tree_visible and app.focused is tree
        # Down to topic 2: moving the cursor opens nothing.
        node = tree.cursor_node
        while node is not None and node.data.id != "elb-asg":
            await pilot.press("down")
            node = tree.cursor_node
        assert app.screen.current.id == "iam-ec2/region"
        # Enter opens the topic at its first entry, and the panel (over the lesson at 80 columns) closes.
        await pilot.press("enter")
        await pilot.pause()
        assert current(app).topic_id == "elb-asg"
        assert not app.screen.tree_visible and app.focused is app.screen.lesson
        # Back in the tree, at the entry shown; moving still changes nothing until Enter.
        await pilot.press("t")
        await pilot.pause()
        first = current(app).id
        assert tree.cursor_node.data.id == first
        await pilot.press("down", "down")
        await pilot.pause()
        chosen = tree.cursor_node.data.id
        assert current(app).id == first != chosen
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.current.id == chosen
        assert not app.screen.tree_visible
        assert "2 ELB and Auto Scaling Groups" in status_text(app)


async def test_escape_closes_the_topic_tree(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("t")
        await pilot.pause()
        assert app.screen.tree_visible
        await pilot.press("escape")
        await pilot.pause()
        assert not app.screen.tree_visible and app.focused is app.screen.lesson
    wide = make_app()
    async with wide.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        wide.screen.topic_tree.focus()
        await pilot.press("escape")  # beside the lesson it stays, and the lesson takes the keys
        await pilot.pause()
        assert wide.screen.tree_visible and wide.focused is wide.screen.lesson


async def test_home_and_end_go_to_the_first_and_last_entry(make_app, course) -> None:
    app = make_app()
    order = course.reading_order("iam-ec2")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "n", "end")
        assert app.screen.current.id == order[-1].id
        await pilot.press("home")
        assert app.screen.current.id == order[0].id


async def test_a_wide_terminal_gets_a_tree_wide_enough_for_the_titles(make_app, course) -> None:
    app = make_app()
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause()
        tree = app.screen.topic_tree
        assert tree.region.width >= 70
        for topic in course.topics:
            label = str(tree._node_by_id[topic.id].label)
            assert topic.title in label, label


async def test_following_a_related_link(make_app, store) -> None:
    store.save_position("iam-ec2", "iam-ec2/region")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        view = app.screen.query_one(LessonView)
        target = view.link(1).entry
        assert f"[1] {target.term}" in lesson_text(app)
        await pilot.press("1")
        assert current(app).id == target.id
        # A link into another topic switches topic and position in it.
        other = next(link for link in view.links if link.entry.topic_id != target.topic_id) if view.links else None
        if other is not None:
            await pilot.press(str(other.number))
            assert current(app).topic_id == other.entry.topic_id


async def test_update_callout_and_added_label(make_app, store, course) -> None:
    stale = next(e for e in course.entries.values() if e.updates)
    added = next(e for e in course.entries.values() if e.added)
    store.save_position(stale.topic_id, stale.id)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = lesson_text(app)
        assert "The notes say:" in text
        assert "Now:" in text
        assert "Source:" in text
        await app.open_entry(added.id)
        await pilot.pause()
        assert "[added - not in the original notes]" in lesson_text(app)


async def test_help_lists_every_key(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = "\n".join(str(w.content) for w in app.screen.query(Static))
        rows = {line.split("  ", 1)[1].strip(): line.split(" ", 1)[0] for line in text.splitlines() if "  " in line}
        for key, what in [
            ("n", "Next entry of the topic"),
            ("g", "Mark this entry learned and go on"),
            ("q", "Quiz on the current topic"),
            ("^q", "Quit (progress is already saved)"),
            ("/", "Search the course as you type"),
            ("=", "Calculator panel (capacity formulas with steps)"),
        ]:
            assert rows.get(what) == key, (what, rows.get(what))
        for binding in map(as_binding, MainScreen.BINDINGS):
            if not binding.action.startswith("follow_link"):
                assert (binding.tooltip or binding.description) in text, binding.action
        assert "1 - 9" in text  # the link keys, once
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_command_palette_jumps_to_an_entry(make_app, until) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"visibility timeout")
        await until(pilot, lambda: palette_first(app).startswith("SQS Visibility Timeout"))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        assert current(app).id == "messaging/sqs-visibility-timeout"


async def test_command_palette_reaches_topics_and_actions(make_app, until) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"Topic 18")
        await until(pilot, lambda: palette_first(app).startswith("Topic 18"))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, MainScreen) and current(app).topic_id == "dynamodb")
        from tui.commands import palette_actions

        titles = [title for title, _, _ in palette_actions(app, app.screen)]
        for wanted in ("Next entry of the topic", "Quiz on the current topic", "Show or hide the topic tree", "Quit"):
            assert any(wanted in t for t in titles), wanted


async def test_tiny_window_says_so_and_live_resizes_never_crash(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        for size in [(40, 12), (20, 6), (120, 40), (40, 12), (80, 24)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            too_small = app.screen.query_one(TooSmall)
            assert too_small.display == (size[0] < 30 or size[1] < 8), size
            if too_small.display:
                assert "Window too small" in str(too_small.content)
        # Still usable after all that.
        await pilot.press("n")
        assert current(app).id == "iam-ec2/iam"


async def test_wide_layout_shows_tree_beside_the_lesson(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.screen.has_class("-wide")
        tree = app.screen.query_one(TopicTree)
        assert tree.display
        assert tree.region.width > 0
        lesson = app.screen.query_one(LessonView)
        assert lesson.region.x >= tree.region.right
        await pilot.press("t")
        assert not app.screen.tree_visible


async def test_theme_switch_is_remembered(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        dark = app.current_theme.dark
        await pilot.press("ctrl+t")
        assert app.current_theme.dark != dark
    assert store.get_setting("theme") == app.theme
    again = make_app()
    async with again.run_test(size=(80, 24)):
        assert again.theme == app.theme


async def test_copy_entry_uses_the_clipboard(make_app) -> None:
    app = make_app()
    copied: list[str] = []
    said: list[str] = []
    app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
    app.notify = lambda message, **_: said.append(message)  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("y")
        await pilot.pause()
    assert copied and copied[0].startswith("Region") and "A cluster of data centers." in copied[0]
    # OSC 52 reports nothing back: say it was sent, and that tmux may drop it.
    assert any("Sent 'Region' to the terminal's clipboard" in m and "tmux" in m for m in said), said
    assert not any(m.startswith("Copied") for m in said)


def running_repeating_timers(app) -> list[str]:
    """Timers that would keep firing (and repainting) with nobody at the keyboard."""
    pumps = [app, *app.screen_stack, *app.screen.walk_children(with_self=False)]
    found = []
    for pump in pumps:
        for timer in list(getattr(pump, "_timers", ())):
            task = timer._task
            if task is not None and not task.done() and timer._active.is_set() and timer._repeat != 1:
                found.append(f"{pump!r}: {timer.name} every {timer._interval:g} s")
    return found


async def test_no_timers_run_while_idle_but_the_once_a_minute_look_at_the_store(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "g", "t", "down", "t")
        await pilot.pause(0.3)
        # Only the freshness check (a stat per file; it repaints only when something changed).
        assert running_repeating_timers(app) == [f"{app!r}: progress refresh every 60 s"]


async def test_entries_shown_are_recorded_as_seen(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "n")
    assert store.entry_state("iam-ec2/iam").seen_at is not None
    assert store.entry_state("iam-ec2/mfa").seen_at is not None
    assert store.entry_state("iam-ec2/ec2").seen_at is None


async def test_palette_typeahead_with_pageup_and_pagedown_does_not_crash(make_app, until) -> None:
    """Over a slow link keys arrive in one burst, before the palette has drawn its list."""
    from textual import events

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        for key in ("ctrl+p", "pagedown", "pagedown", "pageup", "pagedown"):
            app.post_message(events.Key(key, None))
        await until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press("pagedown", "pageup")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        lesson = app.screen.query_one(LessonView)
        await pilot.press("pagedown")  # elsewhere the keys still do their usual work
        assert app.is_running
        assert lesson.is_mounted


async def test_the_command_palette_cursor_does_not_blink(make_app, until) -> None:
    from textual.command import CommandInput

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette) and app.screen.query(CommandInput))
        assert app.screen.query_one(CommandInput).cursor_blink is False


async def test_the_footers_last_column_belongs_to_the_palette_key(make_app) -> None:
    """The palette key is docked over the other keys; at widths where those run under it,
    its last column used to show one of their letters ('^p palettel')."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        for width in (60, 61, 63, 65, 66, 80):
            await pilot.resize_terminal(width, 20)
            await pilot.pause()
            widget, _ = app.screen.get_widget_at(width - 1, 19)
            assert widget.has_class("-command-palette"), (width, widget)


async def test_the_welcome_never_covers_the_too_small_notice(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=(20, 6), notifications=True) as pilot:
        await pilot.pause(0.3)
        widget, _ = app.screen.get_widget_at(10, 3)
        assert isinstance(widget, TooSmall)
        assert all(not toast.visible or toast.styles.visibility == "hidden" for toast in app.screen.query("Toast"))
    assert not store.get_setting("welcomed")  # it waits for a window it fits in


async def test_the_welcome_is_short_in_a_small_window(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(40, 12), notifications=True) as pilot:
        await pilot.pause(0.3)
        toasts = list(app.screen.query("Toast"))
        assert toasts and all(toast.region.height <= 4 for toast in toasts), [t.region for t in toasts]
        widget, _ = app.screen.get_widget_at(2, 6)
        assert not isinstance(widget, TooSmall)


async def test_stylesheet_parsed_again_only_when_something_changed(make_app, until, monkeypatch) -> None:
    """Start-up and a quiz opened and left do not re-parse the stylesheet; a theme change does."""
    from textual.css.stylesheet import Stylesheet

    from tui.screens.quiz import QuizScreen

    reparses: list[int] = []
    original = Stylesheet.reparse

    def counting(self: Stylesheet) -> None:
        reparses.append(1)
        original(self)

    monkeypatch.setattr(Stylesheet, "reparse", counting)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        before = app.screen.styles.background
        await pilot.press("q")
        await until(pilot, lambda: isinstance(app.screen, QuizScreen))
        await pilot.press("alt+l")  # "l" from an answer box too, whatever the first question is
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        assert reparses == []
        await pilot.press("ctrl+t")
        await until(pilot, lambda: bool(reparses) and app.screen.styles.background != before)
