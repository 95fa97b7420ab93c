package dev.planexec.tui;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import com.googlecode.lanterna.screen.TerminalScreen;
import com.googlecode.lanterna.terminal.virtual.DefaultVirtualTerminal;
import dev.planexec.plan.Plan;
import dev.planexec.recovery.Orphan;
import dev.planexec.run.RunEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * A real {@link TuiApp} on a Lanterna virtual terminal, with a clock the test sets: the headless terminal fixture of
 * the render tests. Events go in through the app's own listener, keys through the terminal's input queue, and every
 * {@link #press} runs one turn of the UI loop and draws a complete frame, so the screen is up to date when it
 * returns.
 */
final class VirtualTui implements AutoCloseable {
    /** The clock's start: a whole second, so the spinner shows its first glyph. */
    static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    final DefaultVirtualTerminal vt;
    final TerminalScreen screen;
    final TuiApp app;
    private final AtomicReference<Instant> now = new AtomicReference<>(T0);

    private VirtualTui(Plan plan, int columns, int rows, Theme theme, Glyphs glyphs) {
        vt = new DefaultVirtualTerminal(new TerminalSize(columns, rows));
        try {
            screen = new TerminalScreen(vt);
            screen.startScreen();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        app = new TuiApp(screen, plan, null, theme, glyphs, now::get);
    }

    /** Unicode glyphs, colours on. */
    static VirtualTui open(Plan plan, int columns, int rows) {
        return new VirtualTui(plan, columns, rows, new Theme(true), Glyphs.UNICODE);
    }

    static VirtualTui open(Plan plan, int columns, int rows, Theme theme, Glyphs glyphs) {
        return new VirtualTui(plan, columns, rows, theme, glyphs);
    }

    /** Shows the recovery dialog, or starts the run at once; then draws. */
    VirtualTui begin(List<Orphan> orphans, TuiApp.Starter starter) {
        app.begin(orphans, starter);
        return render();
    }

    /** Posts events as the scheduler's threads would; they show after the next {@link #render} or key. */
    VirtualTui post(RunEvent... events) {
        for (RunEvent event : events) {
            app.listener().onEvent(event);
        }
        return this;
    }

    /** Posts events and draws. */
    VirtualTui apply(RunEvent... events) {
        return post(events).render();
    }

    /** Types keys, then runs a turn of the loop (which handles them all) and draws a complete frame. */
    VirtualTui press(KeyStroke... keys) {
        for (KeyStroke key : keys) {
            vt.addInput(key);
        }
        return render();
    }

    /** Types each character as a key. */
    VirtualTui type(String chars) {
        for (char c : chars.toCharArray()) {
            vt.addInput(key(c));
        }
        return render();
    }

    /** One turn of the UI loop and a complete frame. */
    VirtualTui render() {
        try {
            app.step();
            app.draw(true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Resizes the terminal, as a window manager would; the next turn of the loop notices. */
    VirtualTui resize(int columns, int rows) {
        vt.setTerminalSize(new TerminalSize(columns, rows));
        return render();
    }

    /** Runs the UI loop (drawing each turn) until {@code condition} holds; fails with the screen otherwise. */
    VirtualTui await(Predicate<VirtualTui> condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            render();
            if (condition.test(this)) {
                return this;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "; the screen:\n" + text());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }

    /** Runs the UI loop until the app is done, as {@link TuiApp#run} would. */
    TuiApp.Outcome awaitDone(Duration timeout) {
        await(t -> t.app.done(), timeout, "the UI to end");
        return app.outcome();
    }

    VirtualTui advance(Duration d) {
        now.updateAndGet(t -> t.plus(d));
        return this;
    }

    Instant now() {
        return now.get();
    }

    static KeyStroke key(char c) {
        return new KeyStroke(c, false, false);
    }

    static KeyStroke key(KeyType type) {
        return new KeyStroke(type);
    }

    static KeyStroke ctrl(char c) {
        return new KeyStroke(c, true, false);
    }

    String text() {
        return ScreenAssert.text(vt);
    }

    @Override
    public void close() {
        try {
            screen.stopScreen();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
