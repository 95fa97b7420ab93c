package dev.planexec.tui;

import dev.planexec.plan.TaskStatus;
import java.nio.charset.Charset;

/** The symbols the screen uses: Unicode where the terminal can show it, plain ASCII where it cannot. */
record Glyphs(
        String[] spinner,
        String pending,
        String done,
        String failed,
        String interrupted,
        char barFull,
        char barEmpty,
        char rule,
        String up,
        String down,
        String blocked,
        String held,
        String dot,
        String toolStart,
        String session,
        String notice) {

    static final Glyphs UNICODE = new Glyphs(
            new String[] {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"},
            "·",
            "✔",
            "✘",
            "‖",
            '█',
            '░',
            '─',
            "↑",
            "↓",
            "⊘",
            "◌",
            "·",
            "▶",
            "──",
            "!");
    static final Glyphs ASCII = new Glyphs(
            new String[] {"|", "/", "-", "\\"},
            ".",
            "+",
            "x",
            "=",
            '#',
            '.',
            '-',
            "^",
            "v",
            "!",
            "h",
            "-",
            ">",
            "--",
            "!");

    static Glyphs forCharset(Charset charset) {
        return charset.newEncoder().canEncode("⠋✔✘‖█░─↑↓·⊘◌▶") ? UNICODE : ASCII;
    }

    /** Key names as the help screen and status bar show them: arrows as ASCII letters where arrows cannot show. */
    String keys(String label) {
        if (up.equals("↑")) {
            return label;
        }
        return label.replace("↑", up).replace("↓", down).replace("←", "<").replace("→", ">");
    }

    boolean ascii() {
        return this == ASCII || !up.equals("↑");
    }

    /** The marker drawn before an output line of this kind, or "" for plain output. */
    String marker(OutputLine.Kind kind) {
        return switch (kind) {
            case STDOUT, STDERR -> "";
            case TOOL_START -> toolStart;
            case TOOL_OK -> done;
            case TOOL_FAILED, ERROR -> failed;
            case SESSION -> session;
            case NOTICE -> notice;
        };
    }

    String status(TaskStatus status, long frame) {
        return switch (status) {
            case PENDING -> pending;
            case IN_PROGRESS -> spinner[(int) (frame % spinner.length)];
            case DONE -> done;
            case FAILED -> failed;
            case INTERRUPTED -> interrupted;
        };
    }
}
