package dev.planexec.text;

/**
 * Text from outside planexec (step and agent output, error messages, ids and titles from a plan file) made safe to
 * print on a terminal. A terminal obeys control characters: {@code ESC [ 2 J} clears the screen, {@code ESC ] 0 ; …
 * BEL} sets the window title, {@code ESC ] 52 ; c ; … BEL} writes the clipboard, a carriage return or backspace
 * prints over what was there. None of them may reach the terminal live.
 *
 * <ul>
 *   <li>{@link #visible} (line mode) shows each control character as {@code \xHH}, its code in hex: {@code ESC [ 2 J}
 *       prints as {@code \x1b[2J}, BEL as {@code \x07}, DEL as {@code \x7f}, the C1 control U+009B as {@code \x9b}.
 *       Newline and tab stay as they are; a carriage return that ends a line ({@code \r\n}, or at the very end) is a
 *       line ending and is dropped.
 *   <li>{@link #strip} (the full-screen UI, where every cell counts) drops control characters, and whole escape
 *       sequences with them.
 * </ul>
 *
 * <p>So a step that prints {@code ESC ] 0 ; owned BEL done} shows in line mode as {@code \x1b]0;owned\x07done}, and
 * in the full-screen UI as {@code done}.
 */
public final class ControlChars {
    private static final char ESC = 0x1b;
    private static final char BEL = 0x07;

    private ControlChars() {}

    /** Whether {@code c} is a control character: C0 (below space), DEL, or C1 (U+0080 to U+009F). */
    public static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f);
    }

    /** {@code s} with every control character but newline and tab shown as {@code \xHH}; {@code null} stays null. */
    public static String visible(String s) {
        return visible(s, true);
    }

    /** Like {@link #visible}, but newline and tab are shown too ({@code \x0a}, {@code \x09}): for one-line values. */
    public static String visibleInline(String s) {
        return visible(s, false);
    }

    private static String visible(String s, boolean keepLayout) {
        if (s == null || !hasControl(s, keepLayout)) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (keepLayout && (c == '\n' || c == '\t')) {
                out.append(c);
            } else if (c == '\r' && endsLine(s, i, keepLayout)) {
                continue; // a line ending, not a jump back to the line's start
            } else if (isControl(c)) {
                out.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean endsLine(String s, int i, boolean keepLayout) {
        return i == s.length() - 1 || (keepLayout && s.charAt(i + 1) == '\n');
    }

    private static boolean hasControl(String s, boolean keepLayout) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (isControl(c) && !(keepLayout && (c == '\n' || c == '\t'))) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code s} without control characters or the escape sequences they start: CSI ({@code ESC [ … final}), OSC,
     * DCS, SOS, PM and APC strings (up to BEL or {@code ESC \}), and two-character escapes; their 8-bit C1 forms too.
     */
    public static String strip(String s) {
        if (s == null || !hasControl(s, false)) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (!isControl(c)) {
                out.append(c);
                i++;
            } else if (c == ESC && i + 1 < s.length()) {
                i = skipEscape(s, i + 1);
            } else {
                i = skipC1(s, i);
            }
        }
        return out.toString();
    }

    /** Skips the rest of an escape sequence whose ESC was just before {@code i}; returns the index after it. */
    private static int skipEscape(String s, int i) {
        char kind = s.charAt(i);
        switch (kind) {
            case '[':
                return skipCsi(s, i + 1);
            case ']', 'P', 'X', '^', '_':
                return skipString(s, i + 1);
            default:
                // Intermediates (space to /), then one final character: ESC ( B, ESC 7, ESC c ...
                while (i < s.length() && s.charAt(i) >= 0x20 && s.charAt(i) <= 0x2f) {
                    i++;
                }
                return i < s.length() && !isControl(s.charAt(i)) ? i + 1 : i;
        }
    }

    /** Skips a control character at {@code i}, and the sequence it starts if it is an 8-bit CSI or string opener. */
    private static int skipC1(String s, int i) {
        return switch (s.charAt(i)) {
            case 0x9b -> skipCsi(s, i + 1);
            case 0x9d, 0x90, 0x98, 0x9e, 0x9f -> skipString(s, i + 1);
            default -> i + 1;
        };
    }

    /** Parameters and intermediates (0x20 to 0x3f), then the final byte (0x40 to 0x7e). */
    private static int skipCsi(String s, int i) {
        while (i < s.length() && s.charAt(i) >= 0x20 && s.charAt(i) <= 0x3f) {
            i++;
        }
        return i < s.length() && s.charAt(i) >= 0x40 && s.charAt(i) <= 0x7e ? i + 1 : i;
    }

    /** A control string ends with BEL, ST ({@code ESC \} or U+009C), or the end of the text. */
    private static int skipString(String s, int i) {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == BEL || c == 0x9c) {
                return i + 1;
            }
            if (c == ESC) {
                return i + 1 < s.length() && s.charAt(i + 1) == '\\' ? i + 2 : i + 1;
            }
            i++;
        }
        return i;
    }
}
