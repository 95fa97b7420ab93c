package dev.planexec.tui;

import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import dev.planexec.recovery.RecoveryAction;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Every key the UI answers, in one table: which keys, where they work, when they apply, what the help screen and the
 * status bar say, and what they do. The UI looks keys up here and nowhere else, and the help screen and the status
 * bar are drawn from here, so a key cannot be handled without being documented.
 */
final class KeyBindings {
    /** Where a key works: the task list or the output pane of the execute screen, the recovery dialog, a question. */
    enum Scope {
        LIST,
        OUTPUT,
        DIALOG,
        CONFIRM,
        /** The help overlay: its scroll keys; any other key closes it. */
        HELP,
        /** Typing a search or a filter on the status bar: other characters are typed into it. */
        INPUT
    }

    /** A key as the table names it: a special key, or a character (with Ctrl or not). */
    record Key(KeyType type, Character character, boolean ctrl) {
        static Key of(KeyStroke stroke) {
            return stroke.getKeyType() == KeyType.Character
                    ? new Key(KeyType.Character, stroke.getCharacter(), stroke.isCtrlDown())
                    : new Key(stroke.getKeyType(), null, false);
        }
    }

    /**
     * One binding.
     *
     * @param label the keys as the help screen shows them
     * @param help what the key does, a sentence for the help screen (required)
     * @param barKey the keys as the status bar shows them (shorter)
     * @param hint the word on the status bar, or {@code null} to leave it off the bar
     * @param rank which hints the bar drops first when narrow: the highest rank goes first
     * @param when whether the key applies now; when not, it does nothing and is not on the bar
     */
    record Binding(
            List<Scope> scopes,
            List<Key> keys,
            String label,
            String help,
            String barKey,
            String hint,
            int rank,
            Predicate<TuiApp> when,
            Consumer<TuiApp> action) {
        Binding {
            if (help == null || help.isBlank() || label == null || label.isBlank() || keys.isEmpty()) {
                throw new IllegalArgumentException("every key binding has keys, a label and a help line: " + label);
            }
            scopes = List.copyOf(scopes);
            keys = List.copyOf(keys);
        }
    }

    private static final List<Scope> SCREEN = List.of(Scope.LIST, Scope.OUTPUT);
    private static final Predicate<TuiApp> ALWAYS = app -> true;

    static final List<Binding> ALL = List.of(
            // The task list.
            bind(List.of(Scope.LIST), "↑ ↓  j k", "select a task", "select", 1)
                    .bar("↑↓")
                    .keys(type(KeyType.ArrowUp), type(KeyType.ArrowDown), ch('j'), ch('k'))
                    .does(app -> app.moveSelection(app.lastKeyIsUp() ? -1 : 1)),
            bind(List.of(Scope.LIST), "PgUp PgDn", "move the selection a page", null, 9)
                    .keys(type(KeyType.PageUp), type(KeyType.PageDown))
                    .does(app -> app.moveSelection(app.lastKeyIsUp() ? -app.page() : app.page())),
            bind(List.of(Scope.LIST), "Home End", "select the first / the last task", null, 9)
                    .keys(type(KeyType.Home), type(KeyType.End))
                    .does(TuiApp::selectEnd),
            bind(List.of(Scope.LIST), "Enter", "focus the output of the selected task", "output", 4)
                    .keys(type(KeyType.Enter))
                    .does(app -> app.focusOutput(true)),
            bind(List.of(Scope.LIST), "Tab", "switch view: task list / batches by dependency level", "batches", 8)
                    .keys(type(KeyType.Tab))
                    .does(TuiApp::toggleBatches),
            bind(List.of(Scope.LIST), "/", "filter the list by id or title (Enter keeps it, Esc drops it)", null, 7)
                    .keys(ch('/'))
                    .does(app -> app.startInput(false)),
            bind(
                            List.of(Scope.LIST),
                            "t",
                            "show only failed, running, pending, interrupted, done tasks, then all",
                            null,
                            9)
                    .keys(ch('t'))
                    .does(TuiApp::cycleStatusFilter),
            bind(List.of(Scope.LIST), "Esc", "drop the list's filters", "all tasks", 3)
                    .when(TuiApp::anySearchOrFilter)
                    .keys(type(KeyType.Escape))
                    .does(TuiApp::clearSearchOrFilter),
            // The output pane.
            bind(List.of(Scope.OUTPUT), "↑ ↓  j k", "scroll the output a line", "scroll", 1)
                    .bar("↑↓")
                    .keys(type(KeyType.ArrowUp), type(KeyType.ArrowDown), ch('j'), ch('k'))
                    .does(app -> app.scrollOutput(app.lastKeyIsUp() ? 1 : -1)),
            bind(List.of(Scope.OUTPUT), "PgUp PgDn", "scroll the output a page", null, 9)
                    .keys(type(KeyType.PageUp), type(KeyType.PageDown))
                    .does(app -> app.scrollOutput(app.lastKeyIsUp() ? app.page() : -app.page())),
            bind(List.of(Scope.OUTPUT), "Home End", "to the first line / back to the tail (following it)", "follow", 5)
                    .bar("End")
                    .keys(type(KeyType.Home), type(KeyType.End))
                    .does(TuiApp::outputEnd),
            bind(List.of(Scope.OUTPUT), "Esc", "back to the task list", "back", 4)
                    .keys(type(KeyType.Escape))
                    .does(app -> app.focusOutput(false)),
            bind(List.of(Scope.OUTPUT), "/", "search the output (Enter on nothing clears the search)", "search", 7)
                    .keys(ch('/'))
                    .does(app -> app.startInput(true)),
            bind(List.of(Scope.OUTPUT), "n  N", "the next match upwards (older) / downwards (newer)", "next", 3)
                    .bar("n N")
                    .when(TuiApp::searching)
                    .keys(ch('n'), ch('N'))
                    .does(app -> app.findMatch(app.lastKeyIs('n'))),
            // Both.
            bind(SCREEN, "f", "follow: select the task started last and show its output's tail", "follow", 7)
                    .when(TuiApp::notFollowing)
                    .keys(ch('f'))
                    .does(TuiApp::followOn),
            bind(SCREEN, "e", "select the next failed task", null, 4)
                    .when(TuiApp::anyFailedTask)
                    .keys(ch('e'))
                    .does(TuiApp::nextFailed),
            bind(SCREEN, "w", "wrap long output lines (again: cut them)", null, 8)
                    .keys(ch('w'))
                    .does(TuiApp::toggleWrap),
            bind(SCREEN, "← →", "scroll the output sideways (when not wrapping)", null, 9)
                    .when(TuiApp::notWrapping)
                    .keys(type(KeyType.ArrowLeft), type(KeyType.ArrowRight))
                    .does(app -> app.scrollRight(app.lastKeyIsLeft() ? -8 : 8)),
            bind(SCREEN, "m", "maximise the output pane (again: back)", null, 8)
                    .keys(ch('m'))
                    .does(TuiApp::toggleMaximized),
            bind(SCREEN, "<  >", "narrow / widen the task list", null, 9)
                    .keys(ch('<'), ch('>'))
                    .does(app -> app.resizeSplit(app.lastKeyIs('<') ? -4 : 4)),
            bind(SCREEN, "p", "pause: no new tasks start; running ones finish", "pause", 6)
                    .when(TuiApp::canPause)
                    .keys(ch('p'))
                    .does(TuiApp::pause),
            bind(SCREEN, "x", "continue a paused run", "continue", 6)
                    .when(TuiApp::isPaused)
                    .keys(ch('x'))
                    .does(TuiApp::unpause),
            bind(
                            SCREEN,
                            "r",
                            "retry the selected failed or interrupted task (an interrupted one in its session), then"
                                    + " the tasks waiting for it",
                            "retry",
                            2)
                    .when(TuiApp::canRetrySelected)
                    .keys(ch('r'))
                    .does(TuiApp::retrySelected),
            bind(SCREEN, "s", "start the selected task held by Clean Up, then the tasks waiting for it", "start", 2)
                    .when(TuiApp::selectedHeld)
                    .keys(ch('s'))
                    .does(TuiApp::retrySelected),
            bind(SCREEN, "R", "retry every failed task, and then the tasks waiting for them", "retry failed", 3)
                    .when(TuiApp::anyFailed)
                    .keys(ch('R'))
                    .does(TuiApp::retryAllFailed),
            bind(
                            SCREEN,
                            "a",
                            "abort the selected running task (an agent's asks first: it cuts the turn); r resumes it",
                            "abort",
                            2)
                    .when(TuiApp::selectedRunning)
                    .keys(ch('a'))
                    .does(TuiApp::abortSelected),
            bind(
                            SCREEN,
                            "o",
                            "open the task's session in its agent's own CLI, in its folder (not while it runs)",
                            "open",
                            6)
                    .when(TuiApp::canOpen)
                    .keys(ch('o'))
                    .does(TuiApp::openSession),
            bind(SCREEN, "v", "read the task's whole transcript in $PAGER (default less -R)", null, 9)
                    .when(TuiApp::hasTranscript)
                    .keys(ch('v'))
                    .does(TuiApp::pager),
            bind(SCREEN, "d", "the task's diff (its branch against where it started) in $PAGER", null, 9)
                    .when(TuiApp::hasWorktree)
                    .keys(ch('d'))
                    .does(TuiApp::diff),
            bind(SCREEN, "y", "copy the task's session id to the clipboard (OSC 52)", null, 9)
                    .when(TuiApp::hasSession)
                    .keys(ch('y'))
                    .does(TuiApp::copySessionId),
            bind(
                            SCREEN,
                            "mouse",
                            "click a task to select it, or the output to focus it; the wheel scrolls the output",
                            null,
                            9)
                    .keys(type(KeyType.MouseEvent))
                    .does(TuiApp::mouse),
            bind(SCREEN, "q", "quit (asks first while tasks run, then stops them gracefully)", "quit", 0)
                    .keys(ch('q'))
                    .does(TuiApp::quit),
            bind(SCREEN, "Ctrl+C", "graceful stop: abort, mark interrupted, save, exit 130; twice: at once", null, 9)
                    .keys(ctrl('c'))
                    .does(TuiApp::interrupt),
            bind(SCREEN, "?", "this help (any key closes it)", "help", 0)
                    .keys(ch('?'))
                    .does(TuiApp::showHelp),
            // The recovery dialog.
            bind(List.of(Scope.DIALOG), "r  f  c", "Resume / Start Fresh / Clean Up the selected task", "this task", 1)
                    .bar("r f c")
                    .keys(ch('r'), ch('f'), ch('c'))
                    .does(app -> app.dialogChoose(false)),
            bind(List.of(Scope.DIALOG), "R  F  C", "the same for every task", "all tasks", 1)
                    .bar("R F C")
                    .keys(ch('R'), ch('F'), ch('C'))
                    .does(app -> app.dialogChoose(true)),
            bind(List.of(Scope.DIALOG), "↑ ↓  j k", "select an orphaned task", "select", 2)
                    .bar("↑↓")
                    .keys(type(KeyType.ArrowUp), type(KeyType.ArrowDown), ch('j'), ch('k'))
                    .does(app -> app.dialogMove(app.lastKeyIsUp() ? -1 : 1)),
            bind(List.of(Scope.DIALOG), "q  Esc", "quit without changing anything", "quit", 0)
                    .bar("q")
                    .keys(ch('q'), type(KeyType.Escape))
                    .does(TuiApp::leave),
            bind(List.of(Scope.DIALOG), "?", "this help (any key closes it)", "help", 0)
                    .keys(ch('?'))
                    .does(TuiApp::showHelp),
            // The help overlay.
            bind(
                            List.of(Scope.HELP),
                            "↑ ↓  j k",
                            "scroll this help when it does not fit (any other key closes it)",
                            null,
                            0)
                    .keys(type(KeyType.ArrowUp), type(KeyType.ArrowDown), ch('j'), ch('k'))
                    .does(app -> app.scrollHelp(app.lastKeyIsUp() ? -1 : 1)),
            // Typing a search or filter.
            bind(List.of(Scope.INPUT), "Enter", "search / filter for what was typed", null, 0)
                    .keys(type(KeyType.Enter))
                    .does(TuiApp::inputDone),
            bind(List.of(Scope.INPUT), "Esc", "stop typing, changing nothing", null, 0)
                    .keys(type(KeyType.Escape))
                    .does(TuiApp::inputCancel),
            bind(List.of(Scope.INPUT), "Backspace", "delete the last character (other keys type)", null, 0)
                    .keys(type(KeyType.Backspace))
                    .does(TuiApp::inputBackspace),
            // The question before quitting.
            bind(List.of(Scope.CONFIRM), "y", "stop the running tasks, save them as interrupted, and quit", null, 0)
                    .keys(ch('y'), ch('Y'))
                    .does(TuiApp::confirmQuit),
            bind(List.of(Scope.CONFIRM), "n  Esc", "keep running", null, 0)
                    .keys(ch('n'), ch('N'), ch('q'), type(KeyType.Escape))
                    .does(TuiApp::cancelQuit),
            bind(List.of(Scope.CONFIRM), "Ctrl+C", "graceful stop at once", null, 9)
                    .keys(ctrl('c'))
                    .does(TuiApp::interrupt));

    private KeyBindings() {}

    /** The binding for {@code key} in {@code scope} that applies now, if any. */
    static Optional<Binding> find(Scope scope, KeyStroke stroke, TuiApp app) {
        Key key = Key.of(stroke);
        return ALL.stream()
                .filter(b -> b.scopes().contains(scope)
                        && b.keys().contains(key)
                        && b.when().test(app))
                .findFirst();
    }

    /** Every binding of {@code scope}, for the help screen. */
    static List<Binding> in(Scope scope) {
        return ALL.stream().filter(b -> b.scopes().contains(scope)).toList();
    }

    /** The bindings of {@code scope} that apply now and have a word on the status bar. */
    static List<Binding> hints(Scope scope, TuiApp app) {
        return ALL.stream()
                .filter(b -> b.scopes().contains(scope)
                        && b.hint() != null
                        && b.when().test(app))
                .toList();
    }

    static Key ch(char c) {
        return new Key(KeyType.Character, c, false);
    }

    static Key ctrl(char c) {
        return new Key(KeyType.Character, c, true);
    }

    static Key type(KeyType type) {
        return new Key(type, null, false);
    }

    private static Builder bind(List<Scope> scopes, String label, String help, String hint, int rank) {
        return new Builder(scopes, label, help, hint, rank);
    }

    /** Reads as a sentence in the table: bind(...).when(...).keys(...).does(...). */
    private static final class Builder {
        private final List<Scope> scopes;
        private final String label;
        private final String help;
        private final String hint;
        private final int rank;
        private Predicate<TuiApp> when = ALWAYS;
        private String barKey;
        private List<Key> keys = List.of();

        Builder(List<Scope> scopes, String label, String help, String hint, int rank) {
            this.scopes = scopes;
            this.label = label;
            this.help = help;
            this.hint = hint;
            this.rank = rank;
        }

        /** The keys as the status bar shows them, when shorter than the help screen's label. */
        Builder bar(String key) {
            this.barKey = key;
            return this;
        }

        Builder when(Predicate<TuiApp> condition) {
            this.when = condition;
            return this;
        }

        Builder keys(Key... k) {
            this.keys = Arrays.asList(k);
            return this;
        }

        Binding does(Consumer<TuiApp> action) {
            return new Binding(scopes, keys, label, help, barKey == null ? label : barKey, hint, rank, when, action);
        }
    }

    /** For the dialog's r/f/c keys: the action a letter stands for. */
    static RecoveryAction recoveryAction(char c) {
        return switch (Character.toLowerCase(c)) {
            case 'r' -> RecoveryAction.RESUME;
            case 'f' -> RecoveryAction.FRESH;
            default -> RecoveryAction.CLEAN;
        };
    }
}
