package dev.planexec.tui;

import dev.planexec.plan.TaskStatus;
import java.util.List;

/** What the user has chosen to look at; owned by the UI thread. */
final class ScreenState {
    /** Index (in plan order) of the selected task. */
    int selected;
    /** First visible row of the task list. */
    int listTop;
    /** Batches view: tasks grouped under a header per dependency level. */
    boolean batches;
    /** Keys move the output, not the selection. */
    boolean outputFocused;
    /** Lines scrolled up from the end of the output; 0 follows the tail. */
    int outputOffset;
    /** The selection follows the most recently started running task; moving it by hand turns this off. */
    boolean follow = true;
    /** Long output lines wrap instead of being cut. */
    boolean wrap;
    /** Columns the output is scrolled right by (when not wrapping). */
    int hscroll;
    /** The output pane fills the screen. */
    boolean maximized;
    /** Columns added to (or taken from) the task list's width. */
    int split;
    /** The output search, or {@code null}; its matches are highlighted and n / N go to them. */
    String search;
    /** The task list shows only tasks whose id or title holds this, or all when {@code null}. */
    String filter;
    /** The task list shows only tasks in this state, or all when {@code null}. */
    TaskStatus statusFilter;
    /** A search or filter being typed (the status bar shows it), or {@code null}. */
    StringBuilder input;
    /** What is being typed: an output search (else a task filter). */
    boolean inputIsSearch;

    boolean help;
    /** The first row of the help overlay shown, when it does not fit. */
    int helpTop;
    /** The recovery dialog is up: the status bar shows its keys. */
    boolean dialog;

    boolean confirmQuit;
    /** The task whose abort waits for a yes (an agent's turn would be cut), or {@code null}. */
    String confirmAbort;
    /** Animation frame, for the spinner. */
    long frame;
    /** The second the header's clock shows. */
    long second;
    /** The keys that apply now, for the status bar (from {@link KeyBindings}). */
    List<KeyBindings.Binding> hints = List.of();
}
