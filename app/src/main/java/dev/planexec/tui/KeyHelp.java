package dev.planexec.tui;

import java.util.List;

/** Every key of the execute screen, for the help overlay ({@code ?}) and the README. */
final class KeyHelp {
    record Key(String keys, String action) {}

    static final List<Key> EXECUTE = List.of(
            new Key("↑ ↓  j k", "select a task (or scroll the output when it has focus)"),
            new Key("PgUp PgDn Home End", "move a page, to the first, to the last"),
            new Key("Enter", "focus the output of the selected task (Esc: back to the list)"),
            new Key("Tab", "switch view: task list / batches by dependency level"),
            new Key("p", "pause: no new tasks start; running ones finish"),
            new Key("x", "continue a paused run"),
            new Key("r", "retry the selected failed or interrupted task (or start a held one)"),
            new Key("R", "retry every failed task"),
            new Key("a", "abort the selected running task (it becomes interrupted)"),
            new Key("q", "quit (asks first while tasks run; then stops them gracefully)"),
            new Key("Ctrl+C", "graceful stop: abort, mark interrupted, save, exit 130; twice: at once"),
            new Key("?", "this help (any key closes it)"));

    static final List<Key> RECOVERY = List.of(
            new Key("↑ ↓", "select an orphaned task"),
            new Key("r  f  c", "Resume / Start Fresh / Clean Up the selected task"),
            new Key("R  F  C", "the same for every task"),
            new Key("q", "quit without changing anything"));

    private KeyHelp() {}
}
