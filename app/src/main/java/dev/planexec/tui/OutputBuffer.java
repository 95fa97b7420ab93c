package dev.planexec.tui;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The last lines of a task's output, for the detail pane. Bounded however much a task prints: the screen needs a
 * window, and the whole transcript is in the session.
 */
final class OutputBuffer {
    static final int MAX_LINES = 2000;
    static final int MAX_LINE_CHARS = 1000;

    private final Deque<String> lines = new ArrayDeque<>();
    /** Text of a streamed message not yet ended by a newline. */
    private final StringBuilder partial = new StringBuilder();

    private long total;

    /** Adds whole lines (text may hold several, separated by newlines). */
    void addLines(String text) {
        flushPartial();
        int start = 0;
        int length = text.length();
        while (start <= length) {
            int nl = text.indexOf('\n', start);
            int end = nl < 0 ? length : nl;
            if (nl < 0 && start == length && start > 0) {
                break; // text ended with a newline
            }
            push(text.substring(start, end));
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
                push(partial.toString());
                partial.setLength(0);
            } else if (partial.length() < MAX_LINE_CHARS) {
                partial.append(c);
            }
        }
    }

    private void flushPartial() {
        if (partial.length() > 0) {
            push(partial.toString());
            partial.setLength(0);
        }
    }

    private void push(String line) {
        lines.addLast(line.length() > MAX_LINE_CHARS ? line.substring(0, MAX_LINE_CHARS) : line);
        total++;
        if (lines.size() > MAX_LINES) {
            lines.removeFirst();
        }
    }

    /** Lines held now, the partial one last. */
    List<String> lines() {
        List<String> all = new ArrayList<>(lines.size() + 1);
        all.addAll(lines);
        if (partial.length() > 0) {
            all.add(partial.toString());
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
