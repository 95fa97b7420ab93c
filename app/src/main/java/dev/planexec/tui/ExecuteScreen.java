package dev.planexec.tui;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.graphics.TextGraphics;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import dev.planexec.plan.Usage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Draws the execute screen: header with progress, the task list, the selected task's details and output, and a
 * status bar with the keys that work now. Pure drawing: reads the view and the screen state, changes neither
 * (except to keep the selection visible).
 */
final class ExecuteScreen {
    static final int MIN_WIDTH = 80;
    static final int MIN_HEIGHT = 24;

    private final Theme theme;
    private final Glyphs glyphs;

    ExecuteScreen(Theme theme, Glyphs glyphs) {
        this.theme = theme;
        this.glyphs = glyphs;
    }

    void draw(TextGraphics g, TerminalSize size, RunView view, ScreenState state, Instant now) {
        theme.normal(g);
        g.fill(' ');
        if (tooSmall(g, size)) {
            return;
        }
        int width = size.getColumns();
        int height = size.getRows();
        int listWidth = Math.max(34, Math.min(width * 2 / 5, 60));
        header(g, width, view, now);
        progress(g, width, view);
        int top = 2;
        int bodyHeight = height - 3;
        taskList(g, top, listWidth, bodyHeight, view, state, now);
        theme.dim(g);
        for (int r = top; r < top + bodyHeight; r++) {
            g.putString(listWidth, r, String.valueOf(glyphs.rule() == '─' ? '│' : '|'));
        }
        detail(g, listWidth + 2, top, width - listWidth - 2, bodyHeight, view, state, now);
        statusBar(g, width, height - 1, view, state);
    }

    /** Below 80x24 the layout cannot hold: say so instead of drawing a broken screen. */
    boolean tooSmall(TextGraphics g, TerminalSize size) {
        if (size.getColumns() >= MIN_WIDTH && size.getRows() >= MIN_HEIGHT) {
            return false;
        }
        theme.warn(g);
        String[] lines = {
            "Terminal too small",
            size.getColumns() + "x" + size.getRows() + ", planexec needs " + MIN_WIDTH + "x" + MIN_HEIGHT,
            "Enlarge the window; the run goes on."
        };
        int row = Math.max(0, size.getRows() / 2 - 1);
        for (int i = 0; i < lines.length && row + i < size.getRows(); i++) {
            String line = Text.fit(lines[i], Math.min(lines[i].length(), size.getColumns()));
            g.putString(Math.max(0, (size.getColumns() - line.length()) / 2), row + i, line);
        }
        return true;
    }

    /** {@code HH:MM:SS} in the local time zone, of a time as the plan file writes it. */
    private static String clockTime(String timestamp) {
        try {
            return java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss")
                    .withZone(java.time.ZoneId.systemDefault())
                    .format(Instant.parse(timestamp));
        } catch (java.time.format.DateTimeParseException e) {
            return timestamp;
        }
    }

    private void header(TextGraphics g, int width, RunView view, Instant now) {
        long done = view.count(TaskStatus.DONE);
        long failed = view.count(TaskStatus.FAILED);
        Usage usage = view.usage();
        String right = done + "/" + view.tasks.size() + " done" + (failed > 0 ? " · " + failed + " failed" : "") + " · "
                + (usage.isNone() ? "" : Usage.compact(usage.totalTokens()) + " tok · ")
                + Text.duration(view.elapsed(now)) + " ";
        String left = " planexec · " + view.planName + (view.planAgent == null ? "" : " · " + view.planAgent);
        theme.header(g);
        g.putString(0, 0, Text.fit(left, width - right.length()));
        theme.normal(g);
        g.putString(width - right.length(), 0, right);
    }

    private void progress(TextGraphics g, int width, RunView view) {
        int total = Math.max(1, view.tasks.size());
        long done = view.count(TaskStatus.DONE);
        int barWidth = Math.min(40, width / 3);
        int filled = (int) (barWidth * done / total);
        String percent = String.format(" %3d%% ", 100 * done / total);
        theme.progress(g, view.count(TaskStatus.FAILED) > 0);
        g.putString(1, 1, String.valueOf(glyphs.barFull()).repeat(filled));
        theme.dim(g);
        g.putString(1 + filled, 1, String.valueOf(glyphs.barEmpty()).repeat(barWidth - filled));
        theme.normal(g);
        g.putString(1 + barWidth, 1, percent);
        String state = runState(view);
        int col = 1 + barWidth + percent.length();
        if (!state.isEmpty()) {
            theme.warn(g);
            g.putString(col, 1, state);
            col += state.length() + 2;
        }
        if (!view.notices.isEmpty() && col < width - 4) {
            theme.dim(g);
            g.putString(col, 1, Text.fit(view.notices.peekLast(), width - col - 1));
        }
    }

    private static String runState(RunView view) {
        if (view.finished != null) {
            return switch (view.finished.outcome()) {
                case COMPLETED -> "FINISHED: all done";
                case INCOMPLETE -> "FINISHED: not all done";
                case INTERRUPTED -> "STOPPED";
                case SAVE_FAILED -> "STOPPED: cannot save";
            };
        }
        if (view.stopping) {
            return "STOPPING…";
        }
        if (view.paused) {
            return "PAUSED";
        }
        return view.started == null ? "" : "RUNNING";
    }

    private void taskList(
            TextGraphics g, int top, int width, int height, RunView view, ScreenState state, Instant now) {
        List<RunView.Row> rows = view.rows(state.batches);
        int selectedRow = rowOf(rows, state.selected);
        if (selectedRow < state.listTop) {
            state.listTop = selectedRow;
        } else if (selectedRow >= state.listTop + height) {
            state.listTop = selectedRow - height + 1;
        }
        state.listTop = Math.max(0, Math.min(state.listTop, Math.max(0, rows.size() - height)));
        for (int r = 0; r < height && state.listTop + r < rows.size(); r++) {
            RunView.Row row = rows.get(state.listTop + r);
            int y = top + r;
            if (row.isHeader()) {
                theme.header(g);
                g.putString(0, y, Text.fit(" " + row.header(), width));
                continue;
            }
            TaskView task = view.tasks.get(row.task());
            Task t = task.task;
            boolean selected = row.task() == state.selected;
            // Before the run starts, a task left in progress by a dead run is not running: no spinner, no clock.
            boolean orphaned = view.started == null && t.status() == TaskStatus.IN_PROGRESS;
            TaskStatus shown = orphaned ? TaskStatus.INTERRUPTED : t.status();
            String elapsed = orphaned ? "" : Text.shortDuration(RunView.taskElapsed(t, now));
            String agent = Text.fit(task.agent, 7);
            int idWidth = width - 2 - 1 - 7 - 1 - 6;
            theme.status(g, shown);
            if (selected) {
                theme.selected(g, !state.outputFocused);
            }
            g.putString(0, y, glyphs.status(shown, state.frame) + " ");
            theme.normal(g);
            if (selected) {
                theme.selected(g, !state.outputFocused);
            }
            g.putString(2, y, Text.fit(t.id(), idWidth) + " " + agent + " " + Text.fit(elapsed, 6));
        }
        if (rows.size() > height) {
            theme.dim(g);
            String more = (state.listTop + 1) + "-" + Math.min(rows.size(), state.listTop + height) + "/" + rows.size();
            g.putString(Math.max(0, width - more.length() - 1), top + height - 1, more);
        }
    }

    static int rowOf(List<RunView.Row> rows, int taskIndex) {
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).task() == taskIndex) {
                return i;
            }
        }
        return 0;
    }

    private void detail(
            TextGraphics g, int left, int top, int width, int height, RunView view, ScreenState state, Instant now) {
        if (view.tasks.isEmpty()) {
            return;
        }
        TaskView task = view.tasks.get(state.selected);
        Task t = task.task;
        List<String[]> lines = new ArrayList<>(); // {style, text}
        lines.add(new String[] {"title", t.id() + " · " + t.title()});
        String elapsed = Text.duration(RunView.taskElapsed(t, now));
        lines.add(new String[] {
            "status:" + t.status().json(),
            t.status().json() + " · " + task.agent + (elapsed.isEmpty() ? "" : " · " + elapsed)
                    + (t.attempts() > 0 ? " · attempt " + t.attempts() : "")
        });
        if (t.waitsToRetry()) {
            lines.add(new String[] {
                "status:in_progress",
                "waiting to retry at " + clockTime(t.retryState().nextAttemptAt())
            });
        }
        if (!t.usage().isNone()) {
            lines.add(new String[] {"dim", "tokens " + t.usage().describe()});
        }
        lines.add(new String[] {"", "session " + (t.sessionId() == null ? "-" : t.sessionId())});
        if (!t.sessionContext().isEmpty()) {
            var c = t.sessionContext();
            String ctx = c.getOrDefault("cwd", "")
                    + (c.containsKey("branch") ? " (" + c.get("branch") + ")" : "")
                    + (c.containsKey("repository") ? " " + c.get("repository") : "");
            lines.add(new String[] {"dim", "context " + ctx});
        }
        lines.add(new String[] {
            "dim", "depends on " + (t.dependsOn().isEmpty() ? "nothing" : String.join(", ", t.dependsOn()))
        });
        for (String l : Text.wrap(t.description(), width, 3)) {
            lines.add(new String[] {"", l});
        }
        int criteria = 0;
        for (String c : t.acceptanceCriteria()) {
            if (criteria++ == 3) {
                lines.add(new String[] {"dim", "  … " + (t.acceptanceCriteria().size() - 3) + " more criteria"});
                break;
            }
            // A plain bullet: planexec does not check criteria, so a tick would claim what nobody verified.
            lines.add(new String[] {"dim", "  - " + c});
        }
        int y = top;
        for (String[] line : lines) {
            if (y >= top + height - 2) {
                break;
            }
            style(g, line[0]);
            g.putString(left, y++, Text.fit(line[1], width));
        }
        outputPane(g, left, y, width, top + height - y, task, state);
    }

    private void outputPane(
            TextGraphics g, int left, int top, int width, int height, TaskView task, ScreenState state) {
        if (height < 2) {
            return;
        }
        List<String> lines = task.output.lines();
        int visible = height - 1;
        int maxOffset = Math.max(0, lines.size() - visible);
        state.outputOffset = Math.min(state.outputOffset, maxOffset);
        String title =
                " output " + (state.outputOffset == 0 ? "(following) " : "(" + state.outputOffset + " lines up) ")
                        + (state.outputFocused ? "· focused " : "");
        theme.dim(g);
        if (state.outputFocused) {
            theme.key(g);
        }
        String rule = String.valueOf(glyphs.rule());
        String ruleLine = rule.repeat(2) + title + rule.repeat(Math.max(0, width));
        g.putString(left, top, ruleLine.substring(0, Math.min(ruleLine.length(), width)));
        int first = Math.max(0, lines.size() - visible - state.outputOffset);
        theme.normal(g);
        for (int i = 0; i < visible && first + i < lines.size(); i++) {
            String line = lines.get(first + i);
            styleOutput(g, line);
            g.putString(left, top + 1 + i, Text.fit(line, width));
        }
        if (lines.isEmpty()) {
            theme.dim(g);
            TaskStatus status = task.task.status();
            String empty = status == TaskStatus.PENDING
                    ? "not started"
                    : task.task.sessionId() != null && status != TaskStatus.IN_PROGRESS
                            ? "ran in an earlier run; its transcript is in session " + task.task.sessionId()
                            : "no output yet";
            g.putString(left, top + 1, Text.fit(empty, width));
        }
    }

    private void styleOutput(TextGraphics g, String line) {
        if (line.startsWith("▶ ") || line.startsWith("── ")) {
            theme.key(g);
        } else if (line.startsWith("✘ ")) {
            theme.status(g, TaskStatus.FAILED);
        } else if (line.startsWith("✔ ")) {
            theme.status(g, TaskStatus.DONE);
        } else if (line.startsWith("! ")) {
            theme.warn(g);
        } else {
            theme.normal(g);
        }
    }

    private void style(TextGraphics g, String style) {
        if (style.equals("title")) {
            theme.header(g);
        } else if (style.startsWith("status:")) {
            theme.status(
                    g, dev.planexec.plan.TaskStatus.fromJson(style.substring(7)).orElse(TaskStatus.PENDING));
        } else if (style.equals("dim")) {
            theme.dim(g);
        } else {
            theme.normal(g);
        }
    }

    /**
     * A key on the status bar. {@code rank} says what goes first when the bar is too narrow for all: the highest
     * rank is dropped first, so quit and help always stay.
     */
    private record Hint(String key, String label, int rank) {
        int width() {
            return key.length() + 1 + label.length() + 2;
        }
    }

    private void statusBar(TextGraphics g, int width, int row, RunView view, ScreenState state) {
        List<Hint> keys = new ArrayList<>();
        if (state.dialog) {
            keys.add(new Hint("r f c", "this task", 1));
            keys.add(new Hint("R F C", "all tasks", 1));
            keys.add(new Hint(glyphs.up() + glyphs.down(), "select", 2));
            keys.add(new Hint("q", "quit", 0));
            keys.add(new Hint("?", "help", 0));
            drawKeys(g, width, row, keys);
            return;
        }
        if (state.outputFocused) {
            keys.add(new Hint(glyphs.up() + glyphs.down(), "scroll", 1));
            keys.add(new Hint("End", "follow", 4));
            keys.add(new Hint("Esc", "back", 4));
        } else {
            keys.add(new Hint(glyphs.up() + glyphs.down(), "select", 1));
            keys.add(new Hint("Enter", "output", 4));
            keys.add(new Hint("Tab", state.batches ? "list" : "batches", 6));
        }
        TaskStatus selected = view.tasks.isEmpty()
                ? null
                : view.tasks.get(state.selected).task.status();
        // Run keys only while the run can still act on them: after the end (or while stopping) they do nothing.
        boolean live = view.finished == null && !view.stopping;
        if (live) {
            keys.add(view.paused ? new Hint("x", "continue", 5) : new Hint("p", "pause", 5));
        }
        if (live && (selected == TaskStatus.FAILED || selected == TaskStatus.INTERRUPTED)) {
            keys.add(new Hint("r", "retry", 2));
        }
        if (live && view.count(TaskStatus.FAILED) > 0) {
            keys.add(new Hint("R", "retry failed", 3));
        }
        if (live && selected == TaskStatus.IN_PROGRESS) {
            keys.add(new Hint("a", "abort", 2));
        }
        keys.add(new Hint("q", "quit", 0));
        keys.add(new Hint("?", "help", 0));
        drawKeys(g, width, row, keys);
    }

    private void drawKeys(TextGraphics g, int width, int row, List<Hint> hints) {
        List<Hint> keys = new ArrayList<>(hints);
        while (keys.size() > 1 && 1 + keys.stream().mapToInt(Hint::width).sum() - 2 > width) {
            Hint least = keys.get(0);
            for (Hint k : keys) {
                if (k.rank() >= least.rank()) {
                    least = k;
                }
            }
            keys.remove(least);
        }
        theme.normal(g);
        g.putString(0, row, " ".repeat(width));
        int col = 1;
        for (Hint k : keys) {
            if (col + k.width() - 2 > width) {
                break;
            }
            theme.key(g);
            g.putString(col, row, k.key());
            theme.normal(g);
            g.putString(col + k.key().length() + 1, row, k.label());
            col += k.width();
        }
    }
}
