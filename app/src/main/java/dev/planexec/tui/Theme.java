package dev.planexec.tui;

import com.googlecode.lanterna.SGR;
import com.googlecode.lanterna.TextColor;
import com.googlecode.lanterna.graphics.TextGraphics;
import dev.planexec.plan.TaskStatus;

/** Colours by meaning; with {@code NO_COLOR} set, none at all (bold and reverse still mark what matters). */
final class Theme {
    private final boolean color;

    Theme(boolean color) {
        this.color = color;
    }

    static Theme fromEnvironment(java.util.Map<String, String> env) {
        String noColor = env.get("NO_COLOR");
        return new Theme(noColor == null || noColor.isEmpty());
    }

    boolean color() {
        return color;
    }

    void normal(TextGraphics g) {
        g.setForegroundColor(TextColor.ANSI.DEFAULT);
        g.setBackgroundColor(TextColor.ANSI.DEFAULT);
        g.clearModifiers();
    }

    void status(TextGraphics g, TaskStatus status) {
        normal(g);
        if (!color) {
            if (status == TaskStatus.FAILED) {
                g.enableModifiers(SGR.BOLD);
            }
            return;
        }
        g.setForegroundColor(
                switch (status) {
                    case PENDING -> TextColor.ANSI.WHITE;
                    case IN_PROGRESS -> TextColor.ANSI.YELLOW_BRIGHT;
                    case DONE -> TextColor.ANSI.GREEN_BRIGHT;
                    case FAILED -> TextColor.ANSI.RED_BRIGHT;
                    case INTERRUPTED -> TextColor.ANSI.MAGENTA_BRIGHT;
                });
    }

    void selected(TextGraphics g, boolean focused) {
        g.enableModifiers(SGR.REVERSE);
        if (focused) {
            g.enableModifiers(SGR.BOLD);
        }
    }

    void header(TextGraphics g) {
        paint(g, TextColor.ANSI.CYAN_BRIGHT, SGR.BOLD);
    }

    void dim(TextGraphics g) {
        paint(g, TextColor.ANSI.BLACK_BRIGHT);
    }

    void key(TextGraphics g) {
        paint(g, TextColor.ANSI.CYAN_BRIGHT, SGR.BOLD);
    }

    void warn(TextGraphics g) {
        paint(g, TextColor.ANSI.YELLOW_BRIGHT, SGR.BOLD);
    }

    void progress(TextGraphics g, boolean failed) {
        paint(g, failed ? TextColor.ANSI.RED_BRIGHT : TextColor.ANSI.GREEN_BRIGHT);
    }

    /** What a step printed on stderr: told apart from stdout by colour (and without colour, by nothing else). */
    void stderr(TextGraphics g) {
        paint(g, TextColor.ANSI.RED);
    }

    /** A search match in the output. */
    void match(TextGraphics g) {
        paint(g, TextColor.ANSI.YELLOW_BRIGHT, SGR.REVERSE);
    }

    /** A pending task that cannot run: a task it waits for failed. */
    void blocked(TextGraphics g) {
        paint(g, TextColor.ANSI.RED);
    }

    /** A pending task held by Clean Up until started by hand. */
    void held(TextGraphics g) {
        paint(g, TextColor.ANSI.CYAN);
    }

    /** From {@link #normal}: the modifiers always, the foreground only when colour is on. */
    private void paint(TextGraphics g, TextColor foreground, SGR... modifiers) {
        normal(g);
        g.enableModifiers(modifiers);
        if (color) {
            g.setForegroundColor(foreground);
        }
    }
}
