"""The topic tree: the course's topics, expandable to their entries and sub-entries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from lessons.model import Course, Entry, Topic


@dataclass(frozen=True)
class NodeRef:
    kind: str  # "topic" | "entry"
    id: str


class TopicTree(Tree[NodeRef]):
    """Topics and entries, with ASCII-only glyphs (safe on any remote terminal)."""

    ICON_NODE = "+ "
    ICON_NODE_EXPANDED = "- "
    LINES = {  # noqa: RUF012 - Textual's own class attribute, replaced whole
        "default": ("  ", "| ", "`-", "|-"),
        "bold": ("  ", "| ", "`-", "|-"),
        "double": ("  ", "| ", "`-", "|-"),
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right", "expand_here", "Expand", show=False),
        Binding("left", "collapse_here", "Collapse", show=False),
    ]

    class EntryChosen(Message):
        """The learner opened an entry (Enter or a click; moving the cursor opens nothing)."""

        def __init__(self, entry_id: str) -> None:
            self.entry_id = entry_id
            super().__init__()

    class TopicChosen(Message):
        """The learner opened a topic (Enter or a click on it)."""

        def __init__(self, topic_id: str) -> None:
            self.topic_id = topic_id
            super().__init__()

    def __init__(
        self,
        course: Course,
        *,
        learned: set[str] = frozenset(),  # type: ignore[assignment]
        again: set[str] = frozenset(),  # type: ignore[assignment]
        due: dict[str, int] | None = None,
        **kwargs,
    ) -> None:
        super().__init__("Course", data=NodeRef("root", ""), **kwargs)
        self.course = course
        self.show_root = False
        self.guide_depth = 2
        self.auto_expand = False
        self._node_by_id: dict[str, TreeNode[NodeRef]] = {}
        self._filled: set[str] = set()  # topics whose entries are in the tree
        # Labels are built right the first time: relabelling 600 nodes costs a message each.
        self._learned: set[str] = set(learned)
        self._again: set[str] = set(again)
        self._due: dict[str, int] = dict(due or {})
        self.title_width = self.TITLE_WIDTH
        self._populate()

    # ------------------------------------------------------------ building

    def _populate(self) -> None:
        """The topics only: a topic's entries are added when it is first opened (800 nodes
        built at start-up would delay the first screen, where the tree is often hidden)."""
        for topic in self.course.topics:
            node = self.root.add(self._topic_label(topic), data=NodeRef("topic", topic.id), allow_expand=True)
            self._node_by_id[topic.id] = node

    def _fill(self, topic_id: str) -> None:
        """Add the entries of a topic to its node, once."""
        if topic_id in self._filled:
            return
        self._filled.add(topic_id)
        topic = self.course.by_topic.get(topic_id)
        if topic is not None:
            node = self._node_by_id[topic_id]
            for entry in topic.entries:
                self._add_entry(node, entry)

    def _entry_node(self, entry_id: str) -> TreeNode[NodeRef] | None:
        """The node of an entry, its topic filled first; None for an unknown id."""
        entry = self.course.entries.get(entry_id)
        if entry is None:
            return None
        self._fill(entry.topic_id)
        return self._node_by_id.get(entry_id)

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[NodeRef]) -> None:
        ref = event.node.data
        if ref is not None and ref.kind == "topic":
            self._fill(ref.id)

    def _add_entry(self, parent: TreeNode[NodeRef], entry: Entry) -> None:
        label = self._entry_label(entry)
        if entry.children:
            node = parent.add(label, data=NodeRef("entry", entry.id))
            for child in entry.children:
                self._add_entry(node, child)
        else:
            node = parent.add_leaf(label, data=NodeRef("entry", entry.id))
        self._node_by_id[entry.id] = node

    TITLE_WIDTH = 24  # topic titles are cut (with ...) so the counts stay visible at 40 columns
    LABEL_ROOM = 17  # columns of a topic's line besides its title: icon, number, counts, scrollbar

    def _topic_label(self, topic: Topic) -> Text:
        entries = [e.id for e in topic.walk()]
        learned = sum(1 for e in entries if e in self._learned)
        due = self._due.get(topic.id, 0)
        width = self.title_width - (len(f" due {due}") if due else 0)
        title = topic.title if len(topic.title) <= width else topic.title[: width - 3].rstrip() + "..."
        label = Text(f"{topic.number:>2} {title:<{width}} ")
        label.append(f"{learned}/{len(entries)}", style="dim")
        if due:
            label.append(f" due {due}", style="bold")
        return label

    def _entry_label(self, entry: Entry) -> Text:
        mark = "*" if entry.id in self._learned else ("?" if entry.id in self._again else " ")
        label = Text(f"{mark} ")
        label.append(entry.term)
        if entry.added:
            label.append(" (added)", style="dim italic")
        return label

    def on_resize(self) -> None:
        """A wider tree (a wide terminal) shows more of each topic's title."""
        width = max(self.TITLE_WIDTH, self.content_size.width - self.LABEL_ROOM)
        if width != self.title_width:
            self.title_width = width
            for topic in self.course.topics:
                self._node_by_id[topic.id].set_label(self._topic_label(topic))

    # ------------------------------------------------------------ state from progress

    def show_progress(self, learned: set[str], again: set[str], due: dict[str, int] | None = None) -> None:
        """Refresh the learned/again marks and per-topic counts (only the labels that changed)."""
        learned, again, due = set(learned), set(again), dict(due or {})
        changed = (learned ^ self._learned) | (again ^ self._again)
        topics = {self.course.entries[e].topic_id for e in changed if e in self.course.entries}
        topics |= {t for t in set(due) | set(self._due) if due.get(t) != self._due.get(t)}
        self._learned, self._again, self._due = learned, again, due
        for entry_id in changed:
            node = self._node_by_id.get(entry_id)  # absent: its topic is not filled yet
            if node is not None:
                node.set_label(self._entry_label(self.course.entries[entry_id]))
        for topic_id in topics:
            topic = self.course.by_topic.get(topic_id)
            if topic is not None:
                self._node_by_id[topic.id].set_label(self._topic_label(topic))

    def refresh_entry(self, entry: Entry, learned: bool | None, again: bool = False) -> None:
        self._learned.discard(entry.id)
        self._again.discard(entry.id)
        if learned:
            self._learned.add(entry.id)
        elif again:
            self._again.add(entry.id)
        node = self._node_by_id.get(entry.id)
        if node is not None:
            node.set_label(self._entry_label(entry))
        topic = self.course.topic_of(entry)
        self._node_by_id[topic.id].set_label(self._topic_label(topic))

    # ------------------------------------------------------------ navigation

    current_id: str | None = None
    """The entry the lesson pane shows: highlighting it again announces nothing."""

    def reveal(self, entry_id: str) -> None:
        """Expand the path to an entry and put the cursor on it."""
        node = self._entry_node(entry_id)
        if node is None:
            return
        self.current_id = entry_id
        parent = node.parent
        while parent is not None and parent is not self.root:
            parent.expand()
            parent = parent.parent
        # Line numbers are rebuilt on the next refresh, after the expansion.
        self.call_after_refresh(self._cursor_to, node)

    def _cursor_to(self, node: TreeNode[NodeRef]) -> None:
        self.move_cursor(node)
        self.scroll_to_node(node, animate=False)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[NodeRef]) -> None:
        event.stop()  # only moving: the lesson keeps its entry until one is opened

    def on_tree_node_selected(self, event: Tree.NodeSelected[NodeRef]) -> None:
        event.stop()
        ref = event.node.data
        if ref is None:
            return
        if ref.kind == "topic":
            self._fill(ref.id)
            event.node.expand()  # space and left/right fold it again
            self.post_message(self.TopicChosen(ref.id))
        else:
            self.post_message(self.EntryChosen(ref.id))

    def action_expand_here(self) -> None:
        node = self.cursor_node
        if node is not None and node.allow_expand:
            if node.data is not None and node.data.kind == "topic":
                self._fill(node.data.id)
            node.expand()

    def action_collapse_here(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.is_expanded and node.allow_expand:
            node.collapse()
        elif node.parent is not None and node.parent is not self.root:
            self.move_cursor(node.parent)
