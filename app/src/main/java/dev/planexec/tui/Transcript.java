package dev.planexec.tui;

import java.util.List;

/**
 * A task's output as plain text for the pager: every line the screen holds for it, with the markers the pane draws
 * spelled out, and no control sequences (text from agents never reaches the terminal live).
 */
final class Transcript {
    private Transcript() {}

    static String of(TaskView task, Glyphs glyphs) {
        StringBuilder out = new StringBuilder();
        out.append(task.task.id()).append(" ").append(glyphs.dot()).append(" ").append(task.task.title());
        out.append("\n")
                .append(task.task.status().json())
                .append(" ")
                .append(glyphs.dot())
                .append(" session ");
        out.append(task.task.sessionId() == null ? "-" : task.task.sessionId()).append("\n\n");
        List<OutputLine> lines = task.output.lines();
        if (task.output.total() > lines.size()) {
            out.append("[").append(task.output.total() - lines.size()).append(" earlier lines not kept]\n");
        }
        for (OutputLine line : lines) {
            String marker = glyphs.marker(line.kind());
            out.append(marker.isEmpty() ? "" : marker + " ")
                    .append(Text.stripControls(line.text()))
                    .append('\n');
        }
        return out.toString();
    }
}
