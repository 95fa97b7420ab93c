package dev.planexec.tui;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The last lines of a task's output, for the detail pane. Bounded however much a task prints: the screen needs a
 * window, and the whole transcript is in the session (the pager key shows it).
 */
final class OutputBuffer {
    static final int MAX_LINES = 2000;
    static final int MAX_LINE_CHARS = 1000;
    private static final int TAB = 8;

    private final Deque<OutputLine> lines = new ArrayDeque<>();
    /** Text of a streamed message not yet ended by a newline. */
    private final StringBuilder partial = new StringBuilder();

    private long total;

    /** Adds whole lines of stdout (text may hold several, separated by newlines). */
    void addLines(String text) {
        addLines(OutputLine.Kind.STDOUT, text);
    }

    /** Adds whole lines of one kind (text may hold several, separated by newlines). */
    void addLines(OutputLine.Kind kind, String text) {
        flushPartial();
        int start = 0;
        int length = text.length();
        while (start <= length) {
            int nl = text.indexOf('\n', start);
            int end = nl < 0 ? length : nl;
            if (nl < 0 && start == length && start > 0) {
                break; // text ended with a newline
            }
            push(kind, text.substring(start, end));
            if (nl < 0) {
                break;
            }
            start = nl + 1;
        }
    }

    /** Appends streamed text to the line being written; a newline in it ends that line. */
    void append(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                push(OutputLine.Kind.STDOUT, partial.toString());
                partial.setLength(0);
            } else if (partial.length() < MAX_LINE_CHARS) {
                partial.append(c);
            }
        }
    }

    private void flushPartial() {
        if (partial.length() > 0) {
            push(OutputLine.Kind.STDOUT, partial.toString());
            partial.setLength(0);
        }
    }

    private void push(OutputLine.Kind kind, String line) {
        String text = expandTabs(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
        lines.addLast(OutputLine.of(kind, text.length() > MAX_LINE_CHARS ? text.substring(0, MAX_LINE_CHARS) : text));
        total++;
        if (lines.size() > MAX_LINES) {
            lines.removeFirst();
        }
    }

    /** Tabs to spaces up to the next multiple of 8 columns, as a terminal shows them. */
    static String expandTabs(String line) {
        if (line.indexOf('\t') < 0) {
            return line;
        }
        StringBuilder out = new StringBuilder(line.length() + 16);
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\t') {
                do {
                    out.append(' ');
                } while (out.length() % TAB != 0);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Lines held now, the partial one last. */
    List<OutputLine> lines() {
        List<OutputLine> all = new ArrayList<>(lines.size() + 1);
        all.addAll(lines);
        if (partial.length() > 0) {
            all.add(OutputLine.of(OutputLine.Kind.STDOUT, expandTabs(partial.toString())));
        }
        return all;
    }

    int size() {
        return lines.size() + (partial.length() > 0 ? 1 : 0);
    }

    /** Position just after the last line (the partial one included) counted over every line ever added. */
    long end() {
        return total + (partial.length() > 0 ? 1 : 0);
    }

    /** Lines ever added, including those dropped. */
    long total() {
        return total;
    }
}
