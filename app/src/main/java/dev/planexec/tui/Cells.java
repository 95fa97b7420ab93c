package dev.planexec.tui;

import com.googlecode.lanterna.TextCharacter;
import com.googlecode.lanterna.graphics.TextGraphics;

/**
 * Puts text on the screen a character as the reader sees it at a time, not a Java {@code char}: Lanterna's own
 * {@code putString} splits an emoji (outside the Basic Multilingual Plane, two {@code char}s) into two halves that
 * each show as {@code ?}. Here it is one cell of double width, in the graphics' current colours.
 */
final class Cells {
    private Cells() {}

    static void put(TextGraphics g, int column, int row, String text) {
        boolean simple = true;
        for (int i = 0; i < text.length() && simple; i++) {
            simple = !Character.isSurrogate(text.charAt(i));
        }
        if (simple) {
            g.putString(column, row, text);
            return;
        }
        int col = column;
        for (TextCharacter c : TextCharacter.fromString(
                text, g.getForegroundColor(), g.getBackgroundColor(), g.getActiveModifiers())) {
            g.setCharacter(col, row, c);
            col += c.isDoubleWidth() ? 2 : 1;
        }
    }
}
