package dev.planexec.tui;

import dev.planexec.text.ControlChars;
import java.util.List;

/**
 * A task's output as plain text for the pager, with no control sequences (text from agents never reaches the terminal
 * live): its session's whole log as its agent stored it, or else every line the screen holds for it, with the markers
 * the pane draws spelled out.
 */
final class Transcript {
    private Transcript() {}

    /** The session's whole log, {@code lines} as the agent's provider rendered them. */
    static String ofSession(TaskView task, List<String> lines, Glyphs glyphs) {
        StringBuilder out = heading(task, glyphs);
        for (String line : lines) {
            out.append(ControlChars.strip(line)).append('\n');
        }
        return out.toString();
    }

    /** What this run saw of the task, after saying why (if {@code why} is not null) the whole log is not shown. */
    static String of(TaskView task, Glyphs glyphs, String why) {
        StringBuilder out = heading(task, glyphs);
        if (why != null) {
            out.append("[").append(ControlChars.strip(why)).append("]\n");
        }
        List<OutputLine> lines = task.output.lines();
        if (task.output.total() > lines.size()) {
            out.append("[").append(task.output.total() - lines.size()).append(" earlier lines not kept]\n");
        }
        for (OutputLine line : lines) {
            String marker = glyphs.marker(line.kind());
            out.append(marker.isEmpty() ? "" : marker + " ")
                    .append(ControlChars.strip(line.text()))
                    .append('\n');
        }
        return out.toString();
    }

    private static StringBuilder heading(TaskView task, Glyphs glyphs) {
        StringBuilder out = new StringBuilder();
        out.append(ControlChars.strip(task.task.id()))
                .append(" ")
                .append(glyphs.dot())
                .append(" ")
                .append(ControlChars.strip(task.task.title()));
        out.append("\n")
                .append(task.task.status().json())
                .append(" ")
                .append(glyphs.dot())
                .append(" session ");
        out.append(task.task.sessionId() == null ? "-" : ControlChars.strip(task.task.sessionId()))
                .append("\n\n");
        return out;
    }
}
