package dev.planexec.tui;

/**
 * One line of a task's output pane: what it is, and its text without any marker. The screen draws the marker (a
 * glyph the terminal can show) and picks the style from the kind, so neither lives in the text.
 */
record OutputLine(Kind kind, String text) {
    enum Kind {
        /** What a step or agent printed on stdout, or the agent's message. */
        STDOUT,
        /** What a step printed on stderr. */
        STDERR,
        /** A tool call or step began. */
        TOOL_START,
        /** A tool call or step succeeded. */
        TOOL_OK,
        /** A tool call or step failed. */
        TOOL_FAILED,
        /** A session was created or resumed. */
        SESSION,
        /** A remark from planexec or the agent. */
        NOTICE,
        /** Why the task failed. */
        ERROR
    }

    static OutputLine of(Kind kind, String text) {
        return new OutputLine(kind, text);
    }
}
