package dev.planexec.console;

import dev.planexec.plan.TaskStatus;
import dev.planexec.run.RunEvent;
import dev.planexec.run.RunListener;
import dev.planexec.run.RunSummary;
import dev.planexec.text.ControlChars;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Line mode: one line per task state change ({@code time  task  old → new  session}), notices, the error of a
 * failed task, and a summary at the end. For CI logs and terminals without the full-screen UI.
 *
 * <p>Everything from outside (ids, session ids, errors with a step's last output, notices) is printed through
 * {@link ControlChars#visible}: an escape sequence in a step's output shows as {@code \x1b[2J} instead of clearing the
 * screen.
 */
public final class LinePrinter implements RunListener {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final PrintWriter out;
    private final String arrow;
    private final int idWidth;

    /** @param idWidth the width of the task id column, so lines line up */
    public LinePrinter(PrintWriter out, String arrow, int idWidth) {
        this.out = out;
        this.arrow = arrow;
        this.idWidth = Math.min(Math.max(idWidth, 4), 32);
    }

    @Override
    public synchronized void onEvent(RunEvent event) {
        if (event instanceof RunEvent.StateChanged change) {
            var after = change.after();
            String session = after.sessionId() == null ? "" : "  " + ControlChars.visibleInline(after.sessionId());
            String from = change.before().status().json();
            String to = after.status().json();
            if (change.before().status() == after.status()) {
                if (java.util.Objects.equals(change.before().sessionId(), after.sessionId())) {
                    return; // saved again in the same state (e.g. after a second Ctrl+C): nothing new to tell
                }
                from = from + " (new session)";
            }
            line(after.id(), pad(from, 11) + " " + arrow + " " + pad(to, 11) + session);
            if (after.status() == TaskStatus.FAILED && after.error() != null) {
                indented(after.error());
            }
        } else if (event instanceof RunEvent.TaskStarted started && started.resumed()) {
            line(started.taskId(), "resumed in session " + ControlChars.visibleInline(started.sessionId()));
        } else if (event instanceof RunEvent.Notice notice) {
            message(notice.taskId() == null ? "" : notice.taskId(), notice.message());
        } else if (event instanceof RunEvent.WorkLanded landed) {
            message("", landed.describe());
        } else if (event instanceof RunEvent.RunFinished finished) {
            out.println(summary(finished.summary()));
        }
        out.flush();
    }

    /** A remark outside the run (recovery, lock takeover). */
    public synchronized void note(String message) {
        String[] lines = linesOf(message);
        out.println(
                LocalTime.now().truncatedTo(ChronoUnit.SECONDS).format(TIME) + "  " + ControlChars.visible(lines[0]));
        indented(lines, 1);
        out.flush();
    }

    public static String summary(RunSummary s) {
        String verdict =
                switch (s.outcome()) {
                    case COMPLETED -> "all tasks done";
                    case INCOMPLETE -> "not all tasks done";
                    case INTERRUPTED -> "interrupted; run again to resume";
                    case SAVE_FAILED -> "stopped: the plan could not be saved";
                };
        return String.format(
                        "%s: %d/%d done, %d failed, %d interrupted, %d pending, %s",
                        verdict, s.done(), s.total(), s.failed(), s.interrupted(), s.pending(), elapsed(s.elapsed()))
                + (s.usage().isNone() ? "" : "; tokens " + s.usage().describe());
    }

    static String elapsed(Duration d) {
        long seconds = d.toSeconds();
        if (seconds < 60) {
            return String.format("%.1fs", d.toMillis() / 1000.0);
        }
        return String.format("%dm%02ds", seconds / 60, seconds % 60);
    }

    /** One line about a task; {@code text} is planexec's own, or made visible by the caller. */
    private void line(String taskId, String text) {
        out.println(LocalTime.now().truncatedTo(ChronoUnit.SECONDS).format(TIME) + "  "
                + pad(ControlChars.visibleInline(taskId), idWidth) + "  " + text);
    }

    /** A message from outside: its first line on the task's line, the others indented below. */
    private void message(String taskId, String text) {
        String[] lines = linesOf(text);
        line(taskId, ControlChars.visible(lines[0]));
        indented(lines, 1);
    }

    private void indented(String text) {
        indented(linesOf(text), 0);
    }

    private void indented(String[] lines, int from) {
        for (int i = from; i < lines.length; i++) {
            out.println("          " + ControlChars.visible(lines[i]));
        }
    }

    /**
     * Split at newlines only: a lone carriage return is not a line break here, so it is shown ({@code \x0d}) rather
     * than hiding what came before it on the line.
     */
    private static String[] linesOf(String text) {
        String trimmed = text == null ? "" : text;
        while (trimmed.endsWith("\n")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed.split("\n", -1);
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
