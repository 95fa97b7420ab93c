package dev.planexec.tui;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.TextCharacter;
import com.googlecode.lanterna.terminal.virtual.VirtualTerminal;
import java.util.ArrayList;
import java.util.List;
import org.opentest4j.AssertionFailedError;

/**
 * Assertions on what a {@link VirtualTerminal} shows. Screens are compared line by line with trailing spaces
 * ignored; on a mismatch the failure prints the expected and the actual screen side by side, with the lines that
 * differ marked, so a broken layout can be seen at a glance.
 *
 * <pre>{@code
 * ScreenAssert.assertScreen(vt, """
 *          planexec · demo                                   0/1 done · 00:00
 *         ...
 *         """);
 * }</pre>
 */
final class ScreenAssert {
    private ScreenAssert() {}

    /** Every row of the visible screen, trailing spaces removed. */
    static List<String> lines(VirtualTerminal vt) {
        TerminalSize size = vt.getTerminalSize();
        List<String> lines = new ArrayList<>(size.getRows());
        for (int row = 0; row < size.getRows(); row++) {
            lines.add(line(vt, row));
        }
        return lines;
    }

    /** One row of the visible screen, trailing spaces removed. */
    static String line(VirtualTerminal vt, int row) {
        int columns = vt.getTerminalSize().getColumns();
        StringBuilder line = new StringBuilder(columns);
        for (int col = 0; col < columns; col++) {
            TextCharacter c = vt.getCharacter(col, row);
            line.append(c == null ? " " : c.getCharacterString());
            if (c != null && c.isDoubleWidth()) {
                col++; // the next cell is the second half of this character
            }
        }
        return line.toString().stripTrailing();
    }

    /** The whole screen as text, a line per row. */
    static String text(VirtualTerminal vt) {
        return String.join("\n", lines(vt));
    }

    /** The screen is exactly {@code expected} (one line per row; trailing spaces and a final newline ignored). */
    static void assertScreen(VirtualTerminal vt, String expected) {
        List<String> want = normalize(expected);
        List<String> got = lines(vt);
        while (want.size() < got.size() && got.get(want.size()).isEmpty()) {
            want.add(""); // expected screens may leave out blank rows at the bottom
        }
        if (!want.equals(got)) {
            throw new AssertionFailedError(
                    "the screen differs from the expected one\n" + sideBySide(want, got),
                    String.join("\n", want),
                    String.join("\n", got));
        }
    }

    /** Rows {@code firstRow..} of the screen start with the lines of {@code expected}, from column {@code col}. */
    static void assertRegion(VirtualTerminal vt, int col, int firstRow, String expected) {
        List<String> want = normalize(expected);
        List<String> got = new ArrayList<>();
        for (int i = 0; i < want.size(); i++) {
            String line = line(vt, firstRow + i);
            String cut = line.length() <= col ? "" : line.substring(col);
            got.add(
                    cut.length() > want.get(i).length()
                            ? cut.substring(0, want.get(i).length())
                            : cut);
        }
        if (!want.equals(got)) {
            throw new AssertionFailedError(
                    "rows " + firstRow + "-" + (firstRow + want.size() - 1) + " from column " + col + " differ\n"
                            + sideBySide(want, got) + "\nthe whole screen:\n" + text(vt),
                    String.join("\n", want),
                    String.join("\n", got));
        }
    }

    /** The screen shows {@code text} somewhere. */
    static void assertShows(VirtualTerminal vt, String text) {
        if (find(vt, text) == null) {
            throw new AssertionFailedError("the screen does not show \"" + text + "\":\n" + text(vt));
        }
    }

    static void assertDoesNotShow(VirtualTerminal vt, String text) {
        if (find(vt, text) != null) {
            throw new AssertionFailedError("the screen shows \"" + text + "\" and should not:\n" + text(vt));
        }
    }

    /** Where {@code text} first appears as {@code {column, row}}, or {@code null}. */
    static int[] find(VirtualTerminal vt, String text) {
        List<String> lines = lines(vt);
        for (int row = 0; row < lines.size(); row++) {
            int col = lines.get(row).indexOf(text);
            if (col >= 0) {
                return new int[] {col, row};
            }
        }
        return null;
    }

    /** The row on which {@code text} first appears; fails if it does not. */
    static int rowOf(VirtualTerminal vt, String text) {
        int[] at = find(vt, text);
        if (at == null) {
            throw new AssertionFailedError("the screen does not show \"" + text + "\":\n" + text(vt));
        }
        return at[1];
    }

    private static List<String> normalize(String expected) {
        String text = expected.endsWith("\n") ? expected.substring(0, expected.length() - 1) : expected;
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            lines.add(line.stripTrailing());
        }
        return lines;
    }

    /** Expected | actual, a row each, with {@code ≠} beside each row that differs. */
    static String sideBySide(List<String> expected, List<String> actual) {
        int width = Math.max(
                "expected".length(),
                expected.stream().mapToInt(String::length).max().orElse(0));
        StringBuilder out = new StringBuilder();
        out.append("    ").append(pad("expected", width)).append(" | actual\n");
        int rows = Math.max(expected.size(), actual.size());
        for (int i = 0; i < rows; i++) {
            String e = i < expected.size() ? expected.get(i) : "<no row>";
            String a = i < actual.size() ? actual.get(i) : "<no row>";
            out.append(e.equals(a) ? "    " : "≠   ")
                    .append(pad(e, width))
                    .append(" | ")
                    .append(a)
                    .append('\n');
        }
        return out.toString();
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
