package dev.planexec.tui;

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

    boolean help;
    /** The recovery dialog is up: the status bar shows its keys. */
    boolean dialog;

    boolean confirmQuit;
    /** Animation frame, for the spinner. */
    long frame;
    /** The second the header's clock shows. */
    long second;
    /** The keys that apply now, for the status bar (from {@link KeyBindings}). */
    java.util.List<KeyBindings.Binding> hints = java.util.List.of();
}
