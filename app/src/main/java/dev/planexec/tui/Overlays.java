package dev.planexec.tui;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.graphics.TextGraphics;
import java.util.ArrayList;
import java.util.List;

/** Boxes drawn over the execute screen: help, and the question before quitting. */
final class Overlays {
    private final Theme theme;
    private final Glyphs glyphs;

    Overlays(Theme theme, Glyphs glyphs) {
        this.theme = theme;
        this.glyphs = glyphs;
    }

    /**
     * The keys of where help was opened, from the key table; when they do not all fit, from row {@code first} on
     * (the state's scroll position, clamped here) with the rows left below said in the bottom border.
     */
    void help(TextGraphics g, TerminalSize size, List<KeyBindings.Binding> keys, String title, ScreenState state) {
        int keyWidth = keys.stream()
                        .mapToInt(k -> glyphs.keys(k.label()).length())
                        .max()
                        .orElse(8)
                + 2;
        int actionWidth = keys.stream().mapToInt(k -> k.help().length()).max().orElse(20);
        int width = Math.min(size.getColumns() - 4, keyWidth + actionWidth + 6);
        int textWidth = width - keyWidth - 4;
        // A narrow terminal wraps an action over more lines rather than cutting it: help must be whole.
        List<String[]> rows = new ArrayList<>();
        for (KeyBindings.Binding key : keys) {
            List<String> lines = Text.wrap(key.help(), textWidth, 3);
            for (int i = 0; i < lines.size(); i++) {
                rows.add(new String[] {i == 0 ? glyphs.keys(key.label()) : "", lines.get(i)});
            }
        }
        int height = Math.min(size.getRows() - 2, rows.size() + 4);
        int left = (size.getColumns() - width) / 2;
        int top = (size.getRows() - height) / 2;
        box(g, left, top, width, height, title);
        int shown = height - 4;
        state.helpTop = Math.max(0, Math.min(state.helpTop, rows.size() - shown));
        for (int i = 0; i < shown && state.helpTop + i < rows.size(); i++) {
            String[] row = rows.get(state.helpTop + i);
            theme.key(g);
            g.putString(left + 2, top + 2 + i, Text.fit(row[0], keyWidth));
            theme.normal(g);
            g.putString(left + 2 + keyWidth, top + 2 + i, Text.fit(row[1], textWidth));
        }
        int below = rows.size() - state.helpTop - shown;
        if (below > 0 || state.helpTop > 0) {
            theme.dim(g);
            String more = " " + glyphs.keys("↑↓") + " scroll" + (below > 0 ? ": " + below + " more below " : " ");
            g.putString(left + width - 2 - more.length(), top + height - 1, more);
        }
    }

    void confirmQuit(TextGraphics g, TerminalSize size, int running) {
        int width = 62;
        int height = 6;
        int left = (size.getColumns() - width) / 2;
        int top = (size.getRows() - height) / 2;
        box(g, left, top, width, height, "Quit?");
        theme.normal(g);
        g.putString(
                left + 2,
                top + 2,
                Text.fit(
                        running == 1
                                ? "1 task is running. Stop it and save it as interrupted?"
                                : running + " tasks are running. Stop and save them as interrupted?",
                        width - 4));
        theme.key(g);
        g.putString(left + 2, top + 3, "[ y Stop and quit ]");
        g.putString(left + 24, top + 3, "[ n Keep running ]");
    }

    void confirmAbort(TextGraphics g, TerminalSize size, String taskId) {
        int width = 62;
        int height = 6;
        int left = (size.getColumns() - width) / 2;
        int top = (size.getRows() - height) / 2;
        box(g, left, top, width, height, "Abort " + taskId + "?");
        theme.normal(g);
        g.putString(left + 2, top + 2, Text.fit("This cuts the agent's turn; r resumes it in its session.", width - 4));
        theme.key(g);
        g.putString(left + 2, top + 3, "[ y Abort ]");
        g.putString(left + 16, top + 3, "[ n Keep it running ]");
    }

    /** A framed, cleared box with a title in its top border. */
    void box(TextGraphics g, int left, int top, int width, int height, String title) {
        boolean unicode = glyphs.rule() == '─';
        char h = unicode ? '─' : '-';
        char v = unicode ? '│' : '|';
        theme.normal(g);
        for (int r = 0; r < height; r++) {
            g.putString(left, top + r, " ".repeat(width));
        }
        theme.dim(g);
        String horizontal = String.valueOf(h).repeat(width - 2);
        g.putString(left, top, (unicode ? "┌" : "+") + horizontal + (unicode ? "┐" : "+"));
        g.putString(left, top + height - 1, (unicode ? "└" : "+") + horizontal + (unicode ? "┘" : "+"));
        for (int r = 1; r < height - 1; r++) {
            g.putString(left, top + r, String.valueOf(v));
            g.putString(left + width - 1, top + r, String.valueOf(v));
        }
        theme.header(g);
        g.putString(left + 2, top, " " + Text.fit(title, Math.min(title.length(), width - 6)) + " ");
    }
}
