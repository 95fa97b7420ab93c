package dev.planexec.tui;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.graphics.TextGraphics;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import com.googlecode.lanterna.screen.Screen;
import dev.planexec.plan.Plan;
import dev.planexec.plan.TaskStatus;
import dev.planexec.recovery.Orphan;
import dev.planexec.recovery.RecoveryAction;
import dev.planexec.run.RunEvent;
import dev.planexec.run.RunListener;
import dev.planexec.run.RunSummary;
import dev.planexec.run.Scheduler;
import dev.planexec.store.SaveFailedException;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

/**
 * The full-screen UI. One thread (the caller of {@link #run}) owns the screen and every piece of UI state; the
 * scheduler's threads only post events to {@link #listener()}, which this thread applies between frames. Frames are
 * drawn only when something changed, and at most {@value #FRAME_MILLIS} ms apart for changes from the run, so a task
 * printing megabytes a second costs a bounded number of redraws; a key is drawn at once, so the screen answers it
 * without waiting for the next frame (keys come at the rate a person types).
 */
public final class TuiApp {
    static final long FRAME_MILLIS = 33;
    private static final long SPINNER_MILLIS = 100;

    /** Settles the orphans as chosen and returns the scheduler that will run the plan. */
    @FunctionalInterface
    public interface Starter {
        Scheduler start(Map<String, RecoveryAction> choices) throws SaveFailedException;
    }

    /**
     * How the UI ended.
     *
     * @param summary the run's summary, or {@code null} if nothing ran
     * @param forced a second Ctrl+C: the caller exits at once
     */
    public record Outcome(RunSummary summary, boolean forced) {}

    private final Screen screen;
    private final RunView view;
    private final ScreenState state = new ScreenState();
    private final ExecuteScreen executeScreen;
    private final Overlays overlays;
    private final Theme theme;
    private final Supplier<Instant> clock;
    private final Queue<Object> inbox = new ConcurrentLinkedQueue<>();

    private RecoveryDialog dialog;
    private Starter starter;
    private Scheduler scheduler;
    private Thread schedulerThread;
    private int stopRequests;
    private boolean exitWhenFinished;
    private boolean exitNow;
    private boolean forced;
    private boolean dirty = true;
    private long lastFrame;
    private long frames;

    TuiApp(Screen screen, Plan plan, String agentOverride, Theme theme, Glyphs glyphs, Supplier<Instant> clock) {
        this.screen = screen;
        this.view = new RunView(plan, agentOverride);
        this.theme = theme;
        this.executeScreen = new ExecuteScreen(theme, glyphs);
        this.overlays = new Overlays(theme, glyphs);
        this.clock = clock;
    }

    /** The UI for a real terminal: colours unless {@code NO_COLOR} is set, glyphs the terminal's charset can show. */
    public static TuiApp create(
            Screen screen, Plan plan, String agentOverride, Map<String, String> env, java.nio.charset.Charset charset) {
        return new TuiApp(
                screen, plan, agentOverride, Theme.fromEnvironment(env), Glyphs.forCharset(charset), Instant::now);
    }

    /** Where the scheduler sends its events; safe from any thread, never blocks. */
    public RunListener listener() {
        return inbox::add;
    }

    /** A graceful stop asked for from outside the screen (SIGINT, SIGTERM); safe from any thread. */
    public void requestStop() {
        inbox.add(StopRequest.INSTANCE);
    }

    /** Shows the recovery dialog if there are orphans, else starts the run at once. */
    public void begin(List<Orphan> orphans, Starter starter) {
        this.starter = starter;
        if (orphans.isEmpty()) {
            startRun(Map.of());
        } else {
            dialog = new RecoveryDialog(orphans);
        }
    }

    /** Runs the screen until the user quits (or the run stopped and was to end with it). */
    public Outcome run(List<Orphan> orphans, Starter starter) throws IOException {
        begin(orphans, starter);
        while (!done()) {
            step();
            sleepBriefly();
        }
        return outcome();
    }

    boolean done() {
        return exitNow;
    }

    Outcome outcome() {
        return new Outcome(view.finished, forced);
    }

    /** One turn of the loop: apply posted events, handle keys, redraw if due. */
    void step() throws IOException {
        drainInbox();
        KeyStroke key;
        boolean keyed = false;
        while ((key = screen.pollInput()) != null) {
            handle(key);
            dirty = true;
            keyed = true;
            if (exitNow) {
                return;
            }
        }
        if (view.finished != null && exitWhenFinished) {
            exitNow = true;
        }
        TerminalSize resized = screen.doResizeIfNecessary();
        long now = System.nanoTime() / 1_000_000;
        // The spinner turns with the clock, not with the frames drawn: one instant always shows the same glyph.
        long spin = clock.get().toEpochMilli() / SPINNER_MILLIS;
        if (spin != state.frame && view.anyRunning()) {
            state.frame = spin;
            dirty = true;
        }
        if (resized != null || keyed || (dirty && now - lastFrame >= FRAME_MILLIS)) {
            draw(resized != null);
            lastFrame = now;
            dirty = false;
        }
    }

    /** Frames drawn so far, for the benchmark. */
    long frames() {
        return frames;
    }

    void draw(boolean complete) throws IOException {
        TerminalSize size = screen.getTerminalSize();
        TextGraphics g = screen.newTextGraphics();
        Instant now = clock.get();
        state.dialog = dialog != null;
        executeScreen.draw(g, size, view, state, now);
        boolean small = size.getColumns() < ExecuteScreen.MIN_WIDTH || size.getRows() < ExecuteScreen.MIN_HEIGHT;
        if (!small) {
            if (dialog != null) {
                dialog.draw(g, size, theme, overlays);
            }
            if (state.help) {
                overlays.help(
                        g, size, dialog != null ? KeyHelp.RECOVERY : KeyHelp.EXECUTE, "Keys (any key closes this)");
            } else if (state.confirmQuit) {
                overlays.confirmQuit(g, size, (int) view.count(TaskStatus.IN_PROGRESS));
            }
        }
        screen.setCursorPosition(null);
        screen.refresh(complete ? Screen.RefreshType.COMPLETE : Screen.RefreshType.DELTA);
        frames++;
    }

    private void drainInbox() {
        Object item;
        while ((item = inbox.poll()) != null) {
            if (item instanceof RunEvent event) {
                apply(event);
            } else if (item instanceof StopRequest) {
                stop();
            } else if (item instanceof SchedulerFailure failure) {
                throw new IllegalStateException("the scheduler failed: " + failure.error(), failure.error());
            }
            dirty = true;
        }
    }

    /** Applies an event; output scrolled up stays on the lines it shows while new ones arrive below. */
    private void apply(RunEvent event) {
        TaskView shown = state.outputOffset > 0 && !view.tasks.isEmpty() ? view.tasks.get(state.selected) : null;
        long end = shown == null ? 0 : shown.output.end();
        view.apply(event);
        if (shown != null) {
            state.outputOffset = (int) Math.min(Integer.MAX_VALUE, state.outputOffset + shown.output.end() - end);
        }
    }

    private void handle(KeyStroke key) {
        if (isCtrlC(key)) {
            stop();
            return;
        }
        if (state.help) {
            state.help = false;
            return;
        }
        if (state.confirmQuit) {
            Character c = key.getCharacter();
            if (c != null && (c == 'y' || c == 'Y')) {
                state.confirmQuit = false;
                stop();
            } else if (c != null && (c == 'n' || c == 'N' || c == 'q') || key.getKeyType() == KeyType.Escape) {
                state.confirmQuit = false;
            }
            return;
        }
        if (dialog != null) {
            handleDialog(key);
            return;
        }
        switch (key.getKeyType()) {
            case ArrowUp -> move(-1);
            case ArrowDown -> move(1);
            case PageUp -> move(-page());
            case PageDown -> move(page());
            case Home -> {
                if (state.outputFocused) {
                    state.outputOffset = Integer.MAX_VALUE;
                } else {
                    select(view.rows(state.batches), 0, 1);
                }
            }
            case End -> {
                if (state.outputFocused) {
                    state.outputOffset = 0;
                } else {
                    List<RunView.Row> rows = view.rows(state.batches);
                    select(rows, rows.size() - 1, -1);
                }
            }
            case Enter -> state.outputFocused = true;
            case Escape -> state.outputFocused = false;
            case Tab -> state.batches = !state.batches;
            case Character -> character(key.getCharacter());
            default -> {}
        }
    }

    private void character(char c) {
        String selectedId = view.tasks.isEmpty()
                ? null
                : view.tasks.get(state.selected).task.id();
        TaskStatus selected = view.tasks.isEmpty()
                ? null
                : view.tasks.get(state.selected).task.status();
        switch (c) {
            case 'j' -> move(1);
            case 'k' -> move(-1);
            case '?' -> state.help = true;
            case 'q' -> quit();
            case 'p' -> {
                if (scheduler != null && view.finished == null) {
                    scheduler.pause();
                    view.paused = true;
                }
            }
            case 'x' -> {
                if (scheduler != null && view.paused) {
                    scheduler.unpause();
                    view.paused = false;
                }
            }
            case 'r' -> {
                if (scheduler != null
                        && view.finished == null
                        && selected != null
                        && selected != TaskStatus.DONE
                        && selected != TaskStatus.IN_PROGRESS) {
                    scheduler.retry(selectedId);
                } else if (view.finished != null && selected != TaskStatus.DONE) {
                    view.note("the run is over: run the plan again to retry");
                }
            }
            case 'R' -> {
                if (scheduler != null && view.finished == null) {
                    view.tasks.stream()
                            .filter(t -> t.task.status() == TaskStatus.FAILED)
                            .forEach(t -> scheduler.retry(t.task.id()));
                }
            }
            case 'a' -> {
                if (scheduler != null && selected == TaskStatus.IN_PROGRESS) {
                    scheduler.abort(selectedId);
                    view.note(selectedId + ": aborting");
                }
            }
            default -> {}
        }
    }

    private void handleDialog(KeyStroke key) {
        switch (key.getKeyType()) {
            case ArrowUp -> dialog.move(-1);
            case ArrowDown -> dialog.move(1);
            case Escape -> exitNow = true;
            case Character -> {
                char c = key.getCharacter();
                switch (c) {
                    case 'r' -> dialog.choose(RecoveryAction.RESUME);
                    case 'f' -> dialog.choose(RecoveryAction.FRESH);
                    case 'c' -> dialog.choose(RecoveryAction.CLEAN);
                    case 'R' -> dialog.chooseAll(RecoveryAction.RESUME);
                    case 'F' -> dialog.chooseAll(RecoveryAction.FRESH);
                    case 'C' -> dialog.chooseAll(RecoveryAction.CLEAN);
                    case 'j' -> dialog.move(1);
                    case 'k' -> dialog.move(-1);
                    case '?' -> state.help = true;
                    case 'q' -> exitNow = true;
                    default -> {}
                }
            }
            default -> {}
        }
        if (dialog.complete()) {
            Map<String, RecoveryAction> choices = Map.copyOf(dialog.choices);
            dialog = null;
            startRun(choices);
        }
    }

    private void startRun(Map<String, RecoveryAction> choices) {
        try {
            scheduler = starter.start(choices);
        } catch (SaveFailedException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        view.started = clock.get();
        schedulerThread = new Thread(
                () -> {
                    try {
                        scheduler.run();
                    } catch (RuntimeException | Error e) {
                        inbox.add(new SchedulerFailure(e));
                    }
                },
                "planexec-scheduler");
        schedulerThread.setDaemon(true);
        schedulerThread.start();
    }

    private void quit() {
        if (scheduler == null || view.finished != null) {
            exitNow = true;
        } else if (view.anyRunning()) {
            state.confirmQuit = true;
        } else {
            stop();
        }
    }

    /** First: graceful stop, then leave when the run has ended. Second: leave now. */
    private void stop() {
        stopRequests++;
        if (scheduler == null) {
            exitNow = true;
            return;
        }
        if (view.finished != null) {
            exitNow = true;
            return;
        }
        if (stopRequests == 1) {
            view.stopping = true;
            view.note("stopping: aborting running tasks (Ctrl+C again to quit at once)");
            scheduler.stop();
            exitWhenFinished = true;
            return;
        }
        try {
            scheduler.saveRunningAsInterrupted();
        } catch (SaveFailedException e) {
            view.note(e.getMessage());
        }
        forced = true;
        exitNow = true;
    }

    private void move(int delta) {
        if (state.outputFocused) {
            state.outputOffset = (int) Math.max(0, Math.min(Integer.MAX_VALUE, (long) state.outputOffset - delta));
            return;
        }
        List<RunView.Row> rows = view.rows(state.batches);
        if (rows.isEmpty()) {
            return;
        }
        int current = ExecuteScreen.rowOf(rows, state.selected);
        int target = Math.max(0, Math.min(rows.size() - 1, current + delta));
        select(rows, target, delta >= 0 ? 1 : -1);
    }

    /** Selects the task at {@code row}, or the nearest task row in {@code direction} if it is a header. */
    private void select(List<RunView.Row> rows, int row, int direction) {
        int r = row;
        while (r >= 0 && r < rows.size() && rows.get(r).isHeader()) {
            r += direction;
        }
        if (r < 0 || r >= rows.size()) {
            r = row;
            while (r >= 0 && r < rows.size() && rows.get(r).isHeader()) {
                r -= direction;
            }
        }
        if (r >= 0 && r < rows.size() && !rows.get(r).isHeader()) {
            if (rows.get(r).task() != state.selected) {
                state.outputOffset = 0;
            }
            state.selected = rows.get(r).task();
        }
    }

    private int page() {
        return Math.max(1, screen.getTerminalSize().getRows() - 4);
    }

    private static boolean isCtrlC(KeyStroke key) {
        return key.getKeyType() == KeyType.Character && key.isCtrlDown() && key.getCharacter() == 'c';
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private enum StopRequest {
        INSTANCE
    }

    private record SchedulerFailure(Throwable error) {}
}
