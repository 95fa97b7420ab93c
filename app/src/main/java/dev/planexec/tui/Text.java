package dev.planexec.tui;

import com.googlecode.lanterna.TerminalTextUtils;
import dev.planexec.text.ControlChars;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Fitting text into cells. */
final class Text {
    private Text() {}

    /** {@code s} cut (with an ellipsis) or padded to exactly {@code width} columns. */
    static String fit(String s, int width) {
        if (width <= 0) {
            return "";
        }
        String clean = s == null ? "" : s.replace('\t', ' ').replace('\r', ' ');
        clean = stripControls(clean);
        int columns = TerminalTextUtils.getColumnWidth(clean);
        if (columns <= width) {
            return clean + " ".repeat(width - columns);
        }
        String cut = TerminalTextUtils.fitString(clean, width - 1);
        if (!cut.isEmpty() && Character.isHighSurrogate(cut.charAt(cut.length() - 1))) {
            cut = cut.substring(0, cut.length() - 1) + " "; // never half an emoji
        }
        cut += "…";
        int w = TerminalTextUtils.getColumnWidth(cut);
        return w < width ? cut + " ".repeat(width - w) : cut;
    }

    /**
     * Like {@link #fit}, but a cut is made in the middle, so the end stays: a session id's last part is what tells
     * it from the others ({@code planexec-demo-fe…-1a2b3c4d}).
     */
    static String fitKeepingEnd(String s, int width) {
        String clean = stripControls(s == null ? "-" : s);
        boolean narrowChars = TerminalTextUtils.getColumnWidth(clean) == clean.length();
        if (width <= 2 || clean.length() <= width || !narrowChars) {
            return fit(clean, width);
        }
        int tail = Math.min(9, (width - 1) / 2);
        return clean.substring(0, width - 1 - tail) + "…" + clean.substring(clean.length() - tail);
    }

    /** Escape sequences and other control characters would move the cursor: drop them (one sanitizer for all). */
    static String stripControls(String s) {
        return ControlChars.strip(s);
    }

    /** Words wrapped to {@code width}, at most {@code maxLines} lines (the last one cut if more remain). */
    static List<String> wrap(String s, int width, int maxLines) {
        List<String> lines = new ArrayList<>();
        if (s == null || s.isBlank() || width <= 0) {
            return lines;
        }
        StringBuilder line = new StringBuilder();
        for (String word : s.trim().split("\\s+")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
                if (lines.size() == maxLines) {
                    String last = lines.remove(maxLines - 1);
                    lines.add(fit(last + " " + word, width).stripTrailing());
                    return lines;
                }
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        return lines;
    }

    /** {@link #duration} in at most 6 columns, for the task list: {@code 04:05}, then {@code 1h44m}, {@code 12h05m}. */
    static String shortDuration(Duration d) {
        if (d == null || d.toSeconds() < 3600) {
            return duration(d);
        }
        long m = d.toMinutes();
        return m / 60 >= 1000 ? (m / 60 / 24) + "d" : String.format("%dh%02dm", m / 60, m % 60);
    }

    static String duration(Duration d) {
        if (d == null) {
            return "";
        }
        long s = d.toSeconds();
        if (s >= 3600) {
            return String.format("%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
        }
        return String.format("%02d:%02d", s / 60, s % 60);
    }
}
