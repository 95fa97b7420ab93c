package dev.planexec.tui;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.graphics.TextGraphics;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import com.googlecode.lanterna.screen.Screen;
import com.googlecode.lanterna.screen.TerminalScreen;
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
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The full-screen UI. One thread (the caller of {@link #run}) owns the screen and every piece of UI state; the
 * scheduler's threads, the key reader and signal handlers only post to its {@link UiInbox}, on which it blocks. Frames
 * are drawn only when something changed, and at most {@value #FRAME_MILLIS} ms apart for changes from the run, so a
 * task printing megabytes a second costs a bounded number of redraws; a key is drawn at once. Keys are looked up in
 * {@link KeyBindings}, the one table of keys.
 *
 * <p>The run stays open while the screen is: when nothing is left to run the scheduler waits, so a failed task can be
 * retried ({@code r}, {@code R}) or a held one started ({@code s}) without leaving. {@code q} ends it.
 */
public final class TuiApp {
    static final long FRAME_MILLIS = 33;
    private static final long SPINNER_MILLIS = 100;
    /** How often the diff count of a running task in view is taken again: git reads the whole worktree each time. */
    private static final long DIFF_STAT_MILLIS = 2000;
    /** The header's clock counts seconds: wake at least this often to move it. */
    private static final long CLOCK_MILLIS = 1000;

    /** Settles the orphans as chosen and returns the run that will execute the plan. */
    @FunctionalInterface
    public interface Starter {
        Started start(Map<String, RecoveryAction> choices) throws SaveFailedException;
    }

    /**
     * A run about to start.
     *
     * @param held tasks held by Clean Up: the run does not start them until {@code s} does
     */
    public record Started(Scheduler scheduler, Set<String> held) {
        public Started {
            held = Set.copyOf(held);
        }
    }

    /**
     * How the UI ended.
     *
     * @param summary the run's summary, or {@code null} if nothing ran
     * @param forced a second Ctrl+C: the caller exits at once
     * @param hungUp the terminal went away: nothing can be printed on it
     * @param details what the summary's counts leave out, a line each: every failed task with the first line of its
     *     error, every held and every blocked task
     */
    public record Outcome(RunSummary summary, boolean forced, boolean hungUp, List<String> details) {
        public Outcome {
            details = List.copyOf(details);
        }
    }

    private final Screen screen;
    private final RunView view;
    private final ScreenState state = new ScreenState();
    private final ExecuteScreen executeScreen;
    private final Overlays overlays;
    private final Theme theme;
    private final Glyphs glyphs;
    private final Supplier<Instant> clock;
    private final UiInbox inbox = new UiInbox();
    private final DiffStats diffStats = new DiffStats(inbox::post);

    private RecoveryDialog dialog;
    private Starter starter;
    private Scheduler scheduler;
    private int stopRequests;
    private boolean exitWhenFinished;
    private boolean exitNow;
    private boolean forced;
    private boolean hungUp;
    private boolean dirty = true;
    private boolean resized;
    private long lastFrame;
    private long frames;
    /** The key being handled, for actions bound to a pair of keys (up/down, Home/End). */
    private KeyStroke key;

    private KeyReader keys;
    /** The environment ({@code PAGER}, {@code PLANEXEC_NOTIFY}, the terminal's name). */
    private Map<String, String> env = Map.of();
    /** Raw text for the terminal between frames (the bell, OSC 52 and notifications), never drawn text. */
    private Consumer<String> terminalOut = TuiApp::writeToStdout;

    private Notifier notifier = new Notifier(false, Map.of(), s -> {});

    /** Where the pager gets a session's whole log; none until {@link #transcripts} is called. */
    private Transcripts transcripts = (agent, sessionId) -> Optional.empty();

    /** A session's whole log as text lines, read from what its agent stored ({@code AgentPool.transcript}). */
    @FunctionalInterface
    public interface Transcripts {
        Optional<List<String>> of(String agent, String sessionId) throws IOException;
    }

    TuiApp(Screen screen, Plan plan, String agentOverride, Theme theme, Glyphs glyphs, Supplier<Instant> clock) {
        this.screen = screen;
        this.view = new RunView(plan, agentOverride, clock);
        this.theme = theme;
        this.glyphs = glyphs;
        this.executeScreen = new ExecuteScreen(theme, glyphs);
        this.overlays = new Overlays(theme, glyphs);
        this.clock = clock;
    }

    /** The UI for a real terminal: colours unless {@code NO_COLOR} is set, glyphs the terminal's charset can show. */
    public static TuiApp create(
            Screen screen,
            Plan plan,
            String agentOverride,
            Map<String, String> env,
            java.nio.charset.Charset charset,
            boolean notify) {
        TuiApp app = new TuiApp(
                screen, plan, agentOverride, Theme.fromEnvironment(env), Glyphs.forCharset(charset), Instant::now);
        app.environment(env, notify, TuiApp::writeToStdout);
        return app;
    }

    /** Where {@code v} reads a session's whole log from. */
    public void transcripts(Transcripts source) {
        this.transcripts = source;
    }

    /** Where the pager and notifications come from, and where raw terminal text goes (tests record it). */
    void environment(Map<String, String> environment, boolean notify, Consumer<String> out) {
        this.env = Map.copyOf(environment);
        this.terminalOut = out;
        this.notifier = new Notifier(notify, env, text -> {
            if (!hungUp) {
                terminalOut.accept(text);
            }
        });
    }

    private static void writeToStdout(String text) {
        System.out.print(text);
        System.out.flush();
    }

    /** Where the scheduler sends its events; safe from any thread, never blocks. */
    public RunListener listener() {
        return event -> inbox.post(new UiInbox.Event(event));
    }

    /** A graceful stop asked for from outside the screen (SIGINT, SIGTERM); safe from any thread. */
    public void requestStop() {
        inbox.post(new UiInbox.Stop());
    }

    /**
     * The terminal hung up (SIGHUP: the window closed, the SSH connection dropped); safe from any thread. A graceful
     * stop, however often it comes, with nothing drawn any more.
     */
    public void hangUp() {
        inbox.post(new UiInbox.HangUp());
    }

    /** Shows the recovery dialog if there are orphans, else starts the run at once. */
    public void begin(List<Orphan> orphans, Starter starter) {
        this.starter = starter;
        if (orphans.isEmpty()) {
            startRun(Map.of());
        } else {
            dialog = new RecoveryDialog(orphans);
            notifier.notify(orphans.size() + " unfinished task(s) wait for a choice");
        }
    }

    /** Runs the screen until the user quits (or the run stopped and was to end with it). */
    public Outcome run(List<Orphan> orphans, Starter starter) throws IOException {
        if (screen instanceof TerminalScreen terminalScreen) {
            terminalScreen.getTerminal().addResizeListener((t, size) -> inbox.post(new UiInbox.Resized()));
        }
        begin(orphans, starter);
        try (KeyReader reader = KeyReader.start(screen, inbox);
                DiffStats counting = diffStats) {
            this.keys = reader;
            while (!done()) {
                UiInbox.Message message;
                try {
                    message = inbox.await(millisToWait());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    stop();
                    break;
                }
                if (message != null) {
                    receive(message);
                }
                turn();
            }
        }
        return outcome();
    }

    boolean done() {
        return exitNow;
    }

    Outcome outcome() {
        return new Outcome(view.finished, forced, hungUp, ExitSummary.details(view));
    }

    /**
     * One turn of the loop as the render tests drive it: the keys typed so far are read here (no key thread), then
     * everything waiting is handled and the screen redrawn if due.
     */
    void step() throws IOException {
        KeyStroke k;
        while ((k = screen.pollInput()) != null) {
            inbox.post(new UiInbox.Key(k));
        }
        turn();
    }

    /** Handles every message waiting, then draws if something changed and a frame is due (a key: at once). */
    private void turn() {
        boolean keyed = false;
        UiInbox.Message message;
        while (!exitNow && (message = inbox.poll()) != null) {
            keyed |= message instanceof UiInbox.Key;
            receive(message);
        }
        if (view.finished != null && exitWhenFinished) {
            exitNow = true;
        }
        if (exitNow || hungUp) {
            return;
        }
        countDiffOfSelected();
        long now = System.nanoTime() / 1_000_000;
        // The spinner turns with the clock, not with the frames drawn: one instant always shows the same glyph.
        long spin = clock.get().toEpochMilli() / SPINNER_MILLIS;
        if (spin != state.frame && view.anyRunning()) {
            state.frame = spin;
            dirty = true;
        }
        long second = clock.get().toEpochMilli() / CLOCK_MILLIS;
        if (second != state.second && view.started != null && view.finished == null) {
            state.second = second;
            dirty = true;
        }
        try {
            TerminalSize newSize = screen.doResizeIfNecessary();
            boolean complete = resized || newSize != null;
            if (complete || keyed || (dirty && now - lastFrame >= FRAME_MILLIS)) {
                draw(complete);
                lastFrame = now;
                dirty = false;
                resized = false;
            }
        } catch (IOException | RuntimeException e) {
            // The terminal cannot be written any more: it hung up, whether or not the signal has come yet.
            hungUp();
        }
    }

    /** How long the loop may sleep: until a frame is due, the spinner turns or the clock ticks. */
    private long millisToWait() {
        if (dirty) {
            return Math.max(1, FRAME_MILLIS - (System.nanoTime() / 1_000_000 - lastFrame));
        }
        long nowMillis = clock.get().toEpochMilli();
        long period = view.anyRunning() ? SPINNER_MILLIS : CLOCK_MILLIS;
        return Math.max(1, period - nowMillis % period);
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
        KeyBindings.Scope scope = scope();
        state.hints = KeyBindings.hints(scope == KeyBindings.Scope.CONFIRM ? KeyBindings.Scope.LIST : scope, this);
        executeScreen.draw(g, size, view, state, now);
        boolean small = size.getColumns() < ExecuteScreen.MIN_WIDTH || size.getRows() < ExecuteScreen.MIN_HEIGHT;
        if (!small) {
            if (dialog != null) {
                dialog.draw(g, size, theme, overlays);
            }
            if (state.help) {
                overlays.help(g, size, KeyBindings.in(scope), "Keys (any key closes this)", state);
            } else if (state.confirmQuit) {
                overlays.confirmQuit(g, size, (int) view.count(TaskStatus.IN_PROGRESS));
            } else if (state.confirmAbort != null) {
                overlays.confirmAbort(g, size, state.confirmAbort);
            }
        }
        if (glyphs.ascii()) {
            asciiOnly();
        }
        screen.setCursorPosition(null);
        screen.refresh(complete ? Screen.RefreshType.COMPLETE : Screen.RefreshType.DELTA);
        frames++;
    }

    /**
     * On a terminal that cannot show more than ASCII, no cell may hold anything else, whatever a title, an agent's
     * output or a label brought: each such cell (both halves of a wide one) becomes {@code ?}.
     */
    private void asciiOnly() {
        TerminalSize size = screen.getTerminalSize();
        for (int row = 0; row < size.getRows(); row++) {
            for (int col = 0; col < size.getColumns(); col++) {
                com.googlecode.lanterna.TextCharacter c = screen.getBackCharacter(col, row);
                if (c != null && !isAscii(c.getCharacterString())) {
                    screen.setCharacter(col, row, c.withCharacter(asciiFor(c.getCharacterString())));
                    if (c.isDoubleWidth() && col + 1 < size.getColumns()) {
                        screen.setCharacter(col + 1, row, c.withCharacter('?'));
                    }
                }
            }
        }
    }

    /** The ASCII look-alike of a symbol planexec draws itself ({@code …} cut text, {@code ·} separators), else ?. */
    private static char asciiFor(String s) {
        return switch (s) {
            case "…" -> '.';
            case "·", "─", "—", "–" -> '-';
            case "│" -> '|';
            case "┌", "┐", "└", "┘" -> '+';
            default -> '?';
        };
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0x7e || s.charAt(i) < 0x20) {
                return false;
            }
        }
        return true;
    }

    private KeyBindings.Scope scope() {
        if (state.confirmQuit || state.confirmAbort != null) {
            return KeyBindings.Scope.CONFIRM;
        }
        if (state.input != null) {
            return KeyBindings.Scope.INPUT;
        }
        if (dialog != null) {
            return KeyBindings.Scope.DIALOG;
        }
        return state.outputFocused ? KeyBindings.Scope.OUTPUT : KeyBindings.Scope.LIST;
    }

    private void receive(UiInbox.Message message) {
        if (message instanceof UiInbox.Event e) {
            apply(e.event());
        } else if (message instanceof UiInbox.Key k) {
            handle(k.key());
        } else if (message instanceof UiInbox.Stop) {
            stop();
        } else if (message instanceof UiInbox.HangUp) {
            hungUp();
        } else if (message instanceof UiInbox.Resized) {
            resized = true;
        } else if (message instanceof UiInbox.DiffCounted d) {
            view.tasks.stream().filter(t -> t.task.id().equals(d.taskId())).forEach(t -> {
                t.diffStat = d.stat();
                t.diffStatPending = false;
            });
        } else if (message instanceof UiInbox.SchedulerFailed f) {
            throw new IllegalStateException("the scheduler failed: " + f.error(), f.error());
        }
        dirty = true;
    }

    /** Applies an event; output scrolled up stays on the lines it shows while new ones arrive below. */
    private void apply(RunEvent event) {
        TaskView shown = state.outputOffset > 0 && !view.tasks.isEmpty() ? view.tasks.get(state.selected) : null;
        long end = shown == null ? 0 : shown.output.end();
        boolean wasIdle = view.idle != null;
        view.apply(event);
        notifyAbout(event, wasIdle);
        if (shown != null) {
            state.outputOffset = (int) Math.min(Integer.MAX_VALUE, state.outputOffset + shown.output.end() - end);
        }
        if (state.follow) {
            follow();
        }
    }

    private void notifyAbout(RunEvent event, boolean wasIdle) {
        if (event instanceof RunEvent.StateChanged change
                && change.after().status() == TaskStatus.FAILED
                && change.before().status() != TaskStatus.FAILED) {
            notifier.notify(change.after().id() + " failed");
        } else if (event instanceof RunEvent.Idle idle && !wasIdle && !hungUp) {
            notifier.notify(
                    idle.summary().outcome() == RunSummary.Outcome.COMPLETED
                            ? "all tasks done"
                            : "nothing more can run: " + idle.summary().failed() + " failed");
        }
    }

    /** Follow mode: the most recently started running task is selected, its output at the tail. */
    private void follow() {
        int followed = view.followed();
        if (followed >= 0 && followed != state.selected) {
            state.selected = followed;
            state.outputOffset = 0;
            state.hscroll = 0;
        }
    }

    private void handle(KeyStroke stroke) {
        this.key = stroke;
        if (state.help) {
            // The help's own scroll keys, else any key closes it, as its title says.
            KeyBindings.find(KeyBindings.Scope.HELP, stroke, this)
                    .ifPresentOrElse(b -> b.action().accept(this), () -> state.help = false);
            return;
        }
        KeyBindings.Scope scope = scope();
        var binding = KeyBindings.find(scope, stroke, this);
        if (binding.isPresent()) {
            binding.get().action().accept(this);
        } else if (scope == KeyBindings.Scope.INPUT
                && stroke.getKeyType() == KeyType.Character
                && !stroke.isCtrlDown()
                && !Character.isISOControl(stroke.getCharacter())) {
            state.input.append(stroke.getCharacter()); // typing the search or filter
            if (!state.inputIsSearch) {
                state.filter = state.input.toString();
                keepSelectionVisible();
            }
        }
    }

    // ---- what the keys do (see KeyBindings) -----------------------------------------------------------------------

    boolean lastKeyIsUp() {
        KeyType type = key.getKeyType();
        return type == KeyType.ArrowUp
                || type == KeyType.PageUp
                || type == KeyType.Home
                || (type == KeyType.Character && key.getCharacter() == 'k');
    }

    boolean lastKeyIs(char c) {
        return key.getKeyType() == KeyType.Character && key.getCharacter() == c;
    }

    boolean lastKeyIsLeft() {
        return key.getKeyType() == KeyType.ArrowLeft;
    }

    void scrollHelp(int rows) {
        state.helpTop = Math.max(0, state.helpTop + rows);
    }

    void showHelp() {
        state.help = true;
        state.helpTop = 0;
    }

    void focusOutput(boolean focused) {
        state.outputFocused = focused;
    }

    void toggleBatches() {
        state.batches = !state.batches;
    }

    void selectEnd() {
        state.follow = false;
        List<RunView.Row> rows = ExecuteScreen.visibleRows(view, state);
        if (lastKeyIsUp()) {
            select(rows, 0, 1);
        } else {
            select(rows, rows.size() - 1, -1);
        }
    }

    void outputEnd() {
        state.outputOffset = lastKeyIsUp() ? Integer.MAX_VALUE : 0;
    }

    void scrollOutput(int linesUp) {
        state.outputOffset = (int) Math.max(0, Math.min(Integer.MAX_VALUE, (long) state.outputOffset + linesUp));
    }

    boolean canPause() {
        return live() && !view.paused && view.idle == null;
    }

    boolean isPaused() {
        return live() && view.paused;
    }

    void pause() {
        scheduler.pause();
        view.paused = true;
    }

    void unpause() {
        scheduler.unpause();
        view.paused = false;
    }

    /** The run can still act on keys: it has started and is not ending. */
    private boolean live() {
        return scheduler != null && view.finished == null && !view.stopping && !exitWhenFinished;
    }

    private TaskView selectedTask() {
        return view.tasks.isEmpty() ? null : view.tasks.get(state.selected);
    }

    private TaskStatus selectedStatus() {
        TaskView t = selectedTask();
        return t == null ? null : t.task.status();
    }

    boolean canRetrySelected() {
        TaskStatus s = selectedStatus();
        return live() && (s == TaskStatus.FAILED || s == TaskStatus.INTERRUPTED);
    }

    boolean selectedHeld() {
        TaskView t = selectedTask();
        return live() && t != null && view.isHeld(t);
    }

    boolean anyFailed() {
        return live() && view.count(TaskStatus.FAILED) > 0;
    }

    boolean selectedRunning() {
        return live() && selectedStatus() == TaskStatus.IN_PROGRESS;
    }

    void retrySelected() {
        TaskView t = selectedTask();
        view.held.remove(t.task.id());
        scheduler.retry(t.task.id());
    }

    void retryAllFailed() {
        view.tasks.stream()
                .filter(t -> t.task.status() == TaskStatus.FAILED)
                .forEach(t -> scheduler.retry(t.task.id()));
    }

    /** Aborts at once a task of the local agent (its steps are rerun); asks first for an agent's, whose turn it cuts. */
    void abortSelected() {
        TaskView task = selectedTask();
        if (dev.planexec.plan.Agents.LOCAL.equals(task.agent)) {
            abort(task.task.id());
        } else {
            state.confirmAbort = task.task.id();
        }
    }

    private void abort(String id) {
        scheduler.abort(id);
        view.note(id, id + ": aborting");
    }

    boolean canOpen() {
        TaskView t = selectedTask();
        return t != null
                && t.task.sessionId() != null
                && t.task.status() != TaskStatus.IN_PROGRESS
                && AgentCli.resume(t.agent, t.task.sessionId()).isPresent();
    }

    boolean hasSession() {
        TaskView t = selectedTask();
        return t != null && t.task.sessionId() != null;
    }

    /** Output from this run, or a session whose log may hold earlier runs'. */
    boolean hasTranscript() {
        return hasOutput() || hasSession();
    }

    boolean hasOutput() {
        TaskView t = selectedTask();
        return t != null && t.output.size() > 0;
    }

    /**
     * Asks for a new count of what the selected task's worktree changed when there is none yet, its status changed,
     * or it is running and the last count is older than {@link #DIFF_STAT_MILLIS}: only the task in view is counted,
     * and one count at a time.
     */
    private void countDiffOfSelected() {
        TaskView t = selectedTask();
        if (!hasWorktree() || t.diffStatPending) {
            return;
        }
        long now = clock.get().toEpochMilli();
        boolean stale = t.diffStatAskedAt < 0
                || t.diffStatAskedIn != t.task.status()
                || (t.task.status() == TaskStatus.IN_PROGRESS && now - t.diffStatAskedAt >= DIFF_STAT_MILLIS);
        if (stale) {
            t.diffStatPending = true;
            t.diffStatAskedAt = now;
            t.diffStatAskedIn = t.task.status();
            diffStats.count(
                    t.task.id(),
                    java.nio.file.Path.of(t.task.worktree().path()),
                    t.task.worktree().startCommit());
        }
    }

    /** Whether the selected task has a worktree that was made (so a branch and a start to diff against). */
    boolean hasWorktree() {
        TaskView t = selectedTask();
        return t != null && t.task.worktree() != null && t.task.worktree().startCommit() != null;
    }

    /**
     * {@code d}: {@code git diff} of the task's branch against the commit its worktree started from, in
     * {@code $PAGER} (default {@code less -R}); the UI returns when the pager exits.
     */
    void diff() {
        var worktree = selectedTask().task.worktree();
        java.nio.file.Path dir = java.nio.file.Path.of(worktree.path());
        if (!java.nio.file.Files.isDirectory(dir)) {
            view.note("the task's worktree " + worktree.path() + " is gone");
            return;
        }
        String pager = env.getOrDefault("PAGER", "");
        // The worktree's uncommitted edits count too while the task runs: the diff is against the working tree.
        runInPlaceOfTheUi(
                List.of(
                        "/bin/sh",
                        "-c",
                        "git diff --stat --patch --color=always \"$1\" | " + (pager.isBlank() ? "less -R" : pager),
                        "sh",
                        worktree.startCommit()),
                dir);
    }

    /** {@code o}: the session in its agent's own CLI, in the task's folder; the UI returns when the CLI exits. */
    void openSession() {
        TaskView t = selectedTask();
        var command = AgentCli.resume(t.agent, t.task.sessionId());
        String cwd = t.task.sessionContext().get("cwd");
        java.nio.file.Path dir = cwd != null && java.nio.file.Files.isDirectory(java.nio.file.Path.of(cwd))
                ? java.nio.file.Path.of(cwd)
                : java.nio.file.Path.of("").toAbsolutePath();
        runInPlaceOfTheUi(command.get(), dir);
    }

    /**
     * {@code v}: the task's session's whole transcript as text in {@code $PAGER} (default {@code less -R}), every run
     * of it; for an agent whose log planexec cannot read, or a task without a session, what this run saw.
     */
    void pager() {
        TaskView t = selectedTask();
        java.nio.file.Path file = null;
        try {
            file = java.nio.file.Files.createTempFile(
                    "planexec-transcript-",
                    ".txt",
                    java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                            java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            java.nio.file.Files.writeString(file, transcriptOf(t));
            String pager = env.getOrDefault("PAGER", "");
            // $PAGER may hold arguments ("less -R"): the shell splits it, the file is passed as its own argument.
            runInPlaceOfTheUi(
                    List.of("/bin/sh", "-c", (pager.isBlank() ? "less -R" : pager) + " \"$1\"", "sh", file.toString()),
                    java.nio.file.Path.of("").toAbsolutePath());
        } catch (IOException e) {
            view.note("cannot write the transcript: " + e.getMessage());
        } finally {
            if (file != null) {
                try {
                    java.nio.file.Files.deleteIfExists(file);
                } catch (IOException e) {
                    // A temporary file of ours, 0600: the OS's temp cleaning takes it.
                }
            }
        }
    }

    private String transcriptOf(TaskView t) {
        if (t.task.sessionId() == null) {
            return Transcript.of(t, glyphs, null);
        }
        Optional<List<String>> whole;
        try {
            whole = transcripts.of(t.agent, t.task.sessionId());
        } catch (IOException | RuntimeException e) {
            return Transcript.of(
                    t,
                    glyphs,
                    "cannot read the session's transcript (" + e.getMessage() + "); showing what this run saw");
        }
        return whole.isPresent()
                ? Transcript.ofSession(t, whole.get(), glyphs)
                : Transcript.of(t, glyphs, "no transcript for this agent; showing what this run saw");
    }

    /** {@code y}: the session id to the clipboard through the terminal (OSC 52), which works over SSH too. */
    void copySessionId() {
        String id = selectedTask().task.sessionId();
        String encoded =
                java.util.Base64.getEncoder().encodeToString(id.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        terminalOut.accept("\033]52;c;" + encoded + "\007");
        view.note("copied " + id + " (if the terminal allows OSC 52)");
    }

    /**
     * Gives the terminal to a program (a pager, an agent's CLI) and takes it back when it exits: keys stop being
     * read, the screen is left as planexec found it, and is drawn whole again after. The run goes on meanwhile.
     */
    private void runInPlaceOfTheUi(List<String> command, java.nio.file.Path dir) {
        if (keys != null) {
            keys.pause();
        }
        try {
            screen.stopScreen();
            Process process = dev.planexec.agent.process.ProcessTrees.launch(
                    new ProcessBuilder(command).directory(dir.toFile()).inheritIO());
            dev.planexec.agent.process.ProcessReaper.register(process.toHandle());
            try {
                process.waitFor();
            } finally {
                dev.planexec.agent.process.ProcessReaper.unregister(process.toHandle());
            }
        } catch (IOException e) {
            view.note("cannot run " + command.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                screen.startScreen();
            } catch (IOException e) {
                hungUp();
            }
            resized = true; // a complete redraw
            if (keys != null) {
                keys.resume();
            }
        }
    }

    void dialogMove(int delta) {
        dialog.move(delta);
    }

    void dialogChoose(boolean all) {
        RecoveryAction action = KeyBindings.recoveryAction(key.getCharacter());
        if (all) {
            dialog.chooseAll(action);
        } else {
            dialog.choose(action);
        }
        if (dialog.complete()) {
            Map<String, RecoveryAction> choices = Map.copyOf(dialog.choices);
            dialog = null;
            startRun(choices);
        }
    }

    /** Leaves at once: only before the run starts, when nothing has changed. */
    void leave() {
        exitNow = true;
    }

    void confirmQuit() {
        if (state.confirmAbort != null) {
            String id = state.confirmAbort;
            state.confirmAbort = null;
            abort(id);
            return;
        }
        state.confirmQuit = false;
        stop();
    }

    void cancelQuit() {
        state.confirmQuit = false;
        state.confirmAbort = null;
    }

    /** Ctrl+C on the screen: as SIGINT. */
    void interrupt() {
        state.confirmQuit = false;
        stop();
    }

    void quit() {
        if (scheduler == null || view.finished != null) {
            exitNow = true;
        } else if (view.anyRunning()) {
            state.confirmQuit = true;
        } else if (view.idle != null) {
            end();
        } else {
            stop();
        }
    }

    boolean notFollowing() {
        return live() && !state.follow && view.anyRunning();
    }

    /** A click selects the task under it (or focuses the output); the wheel scrolls the output three lines. */
    void mouse() {
        if (!(key instanceof com.googlecode.lanterna.input.MouseAction action)) {
            return;
        }
        switch (action.getActionType()) {
            case SCROLL_UP -> scrollOutput(3);
            case SCROLL_DOWN -> scrollOutput(-3);
            case CLICK_DOWN ->
                click(action.getPosition().getColumn(), action.getPosition().getRow());
            default -> {}
        }
    }

    private void click(int column, int row) {
        int listTop = 2;
        if (state.maximized || row < listTop || row >= screen.getTerminalSize().getRows() - 1) {
            return;
        }
        if (column > ExecuteScreen.listWidth(screen.getTerminalSize().getColumns(), state)) {
            state.outputFocused = true;
            return;
        }
        List<RunView.Row> rows = ExecuteScreen.visibleRows(view, state);
        int index = state.listTop + row - listTop;
        if (index < rows.size() && !rows.get(index).isHeader()) {
            state.follow = false;
            state.outputFocused = false;
            selectTask(rows.get(index).task());
        }
    }

    void followOn() {
        state.follow = true;
        follow();
        state.outputOffset = 0;
    }

    /** Selects the next failed task after the selected one in the list, wrapping round. */
    void nextFailed() {
        List<RunView.Row> rows = view.rows(state.batches);
        int from = ExecuteScreen.rowOf(rows, state.selected);
        for (int i = 1; i <= rows.size(); i++) {
            RunView.Row row = rows.get((from + i) % rows.size());
            if (!row.isHeader() && view.tasks.get(row.task()).task.status() == TaskStatus.FAILED) {
                state.follow = false;
                state.filter = null;
                state.statusFilter = null;
                selectTask(row.task());
                return;
            }
        }
        view.note("no task has failed");
    }

    boolean anyFailedTask() {
        return view.count(TaskStatus.FAILED) > 0;
    }

    void toggleWrap() {
        state.wrap = !state.wrap;
        state.hscroll = 0;
    }

    boolean notWrapping() {
        return !state.wrap;
    }

    void scrollRight(int columns) {
        state.hscroll = Math.max(0, Math.min(OutputBuffer.MAX_LINE_CHARS, state.hscroll + columns));
    }

    void toggleMaximized() {
        state.maximized = !state.maximized;
    }

    void resizeSplit(int columns) {
        int width = screen.getTerminalSize().getColumns();
        int before = ExecuteScreen.listWidth(width, state);
        state.split += columns;
        int after = ExecuteScreen.listWidth(width, state);
        state.split -= columns - (after - before); // stays at the limit rather than counting past it
    }

    /** Starts typing an output search ({@code search}) or a task filter. */
    void startInput(boolean search) {
        state.input = new StringBuilder();
        state.inputIsSearch = search;
        if (!search) {
            state.filter = "";
        }
    }

    void inputBackspace() {
        if (state.input.length() > 0) {
            state.input.setLength(state.input.length() - 1);
        }
        if (!state.inputIsSearch) {
            state.filter = state.input.toString();
            keepSelectionVisible();
        }
    }

    void inputDone() {
        String text = state.input.toString();
        state.input = null;
        if (state.inputIsSearch) {
            state.search = text.isEmpty() ? null : text;
            if (state.search != null) {
                findMatch(true);
            }
        } else {
            state.filter = text.isEmpty() ? null : text;
            keepSelectionVisible();
        }
    }

    void inputCancel() {
        if (!state.inputIsSearch) {
            state.filter = null;
        }
        state.input = null;
    }

    boolean searching() {
        return state.search != null;
    }

    void clearSearchOrFilter() {
        if (state.outputFocused) {
            state.search = null;
        } else {
            state.filter = null;
            state.statusFilter = null;
        }
    }

    boolean anySearchOrFilter() {
        return state.outputFocused ? state.search != null : state.filter != null || state.statusFilter != null;
    }

    /**
     * Scrolls to the next match of the search: {@code older} looks up from the last line shown (n), else down
     * (N). The match becomes the last line shown.
     */
    void findMatch(boolean older) {
        TaskView task = selectedTask();
        if (task == null || state.search == null) {
            return;
        }
        List<OutputLine> lines = task.output.lines();
        String needle = state.search.toLowerCase(java.util.Locale.ROOT);
        int bottom = lines.size() - 1 - state.outputOffset;
        int step = older ? -1 : 1;
        // From the tail, the first n finds the newest match, which may be the last line itself.
        int start = state.outputOffset == 0 && older ? bottom : bottom + step;
        for (int i = start; i >= 0 && i < lines.size(); i += step) {
            if (lines.get(i).text().toLowerCase(java.util.Locale.ROOT).contains(needle)) {
                state.outputOffset = lines.size() - 1 - i;
                state.follow = false;
                return;
            }
        }
        view.note("\"" + state.search + "\": no " + (older ? "earlier" : "later") + " match");
    }

    /** Cycles the status filter: failed, running, pending, interrupted, done, all. */
    void cycleStatusFilter() {
        TaskStatus[] order = {
            TaskStatus.FAILED, TaskStatus.IN_PROGRESS, TaskStatus.PENDING, TaskStatus.INTERRUPTED, TaskStatus.DONE
        };
        TaskStatus next = order[0];
        if (state.statusFilter != null) {
            int i = java.util.Arrays.asList(order).indexOf(state.statusFilter);
            next = i == order.length - 1 ? null : order[i + 1];
        }
        state.statusFilter = next;
        keepSelectionVisible();
    }

    /** After a filter changed: the selection moves to the first task shown if it is filtered out. */
    private void keepSelectionVisible() {
        List<RunView.Row> rows = ExecuteScreen.visibleRows(view, state);
        if (rows.stream().noneMatch(r -> r.task() == state.selected)) {
            rows.stream().filter(r -> !r.isHeader()).findFirst().ifPresent(r -> selectTask(r.task()));
        }
    }

    private void selectTask(int task) {
        if (task != state.selected) {
            state.outputOffset = 0;
            state.hscroll = 0;
        }
        state.selected = task;
    }

    int page() {
        return Math.max(1, screen.getTerminalSize().getRows() - 4);
    }

    void moveSelection(int delta) {
        state.follow = false;
        List<RunView.Row> rows = ExecuteScreen.visibleRows(view, state);
        if (rows.isEmpty()) {
            return;
        }
        int current = ExecuteScreen.rowOf(rows, state.selected);
        int target = Math.max(0, Math.min(rows.size() - 1, current + delta));
        select(rows, target, delta >= 0 ? 1 : -1);
    }

    // ---- the run --------------------------------------------------------------------------------------------------

    private void startRun(Map<String, RecoveryAction> choices) {
        Started started;
        try {
            started = starter.start(choices);
        } catch (SaveFailedException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        scheduler = started.scheduler();
        view.held.addAll(started.held());
        scheduler.stayOpen();
        view.started = clock.get();
        Thread thread = new Thread(
                () -> {
                    try {
                        scheduler.run();
                    } catch (RuntimeException | Error e) {
                        inbox.post(new UiInbox.SchedulerFailed(e));
                    }
                },
                "planexec-scheduler");
        thread.setDaemon(true);
        thread.start();
    }

    /** Ends a run with nothing running: nothing to abort, so the summary says how the plan stands, not "stopped". */
    private void end() {
        scheduler.close();
        exitWhenFinished = true;
    }

    /** First: graceful stop, then leave when the run has ended. Second: leave now. */
    private void stop() {
        stopRequests++;
        if (scheduler == null || view.finished != null) {
            exitNow = true;
            return;
        }
        if (stopRequests == 1) {
            gracefulStop();
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

    private void gracefulStop() {
        view.stopping = true;
        view.note("stopping: aborting running tasks (Ctrl+C again to quit at once)");
        scheduler.stop();
        exitWhenFinished = true;
    }

    /**
     * The terminal is gone: stop gracefully (once, however many hang-ups come, and never the second Ctrl+C's quit
     * at once, which would give up the sessions), draw nothing more, and leave when the run has ended.
     */
    private void hungUp() {
        if (hungUp) {
            return;
        }
        hungUp = true;
        state.confirmQuit = false;
        if (scheduler == null || view.finished != null) {
            exitNow = true;
        } else if (!exitWhenFinished) {
            stopRequests = Math.max(stopRequests, 1);
            gracefulStop();
        }
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
            selectTask(rows.get(r).task());
        }
    }
}
