package dev.planexec.tui;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.graphics.TextGraphics;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import dev.planexec.plan.Usage;
import dev.planexec.run.RunSummary;
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
    /** The task list's tokens column: {@code 999.9k} and a space before it. */
    private static final int TOKENS_WIDTH = 7;

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
        header(g, width, view, now);
        progress(g, width, view, now);
        int top = 2;
        int bodyHeight = height - 3;
        if (state.maximized && !view.tasks.isEmpty()) {
            outputPane(g, 0, top, width, bodyHeight, view.tasks.get(state.selected), state);
        } else {
            int listWidth = listWidth(width, state);
            taskList(g, top, listWidth, bodyHeight, view, state, now);
            theme.dim(g);
            for (int r = top; r < top + bodyHeight; r++) {
                g.putString(listWidth, r, String.valueOf(glyphs.rule() == '─' ? '│' : '|'));
            }
            detail(g, listWidth + 2, top, width - listWidth - 2, bodyHeight, view, state, now);
        }
        statusBar(g, width, height - 1, state);
    }

    /** The task list's width: two fifths of the screen (34 to 60 columns), moved by the split keys. */
    static int listWidth(int width, ScreenState state) {
        int base = Math.max(34, Math.min(width * 2 / 5, 60));
        return Math.max(24, Math.min(width - 30, base + state.split));
    }

    /** The rows the task list shows: all, or those the filters let through (batch headers only over their tasks). */
    static List<RunView.Row> visibleRows(RunView view, ScreenState state) {
        List<RunView.Row> all = view.rows(state.batches);
        if (state.filter == null && state.statusFilter == null) {
            return all;
        }
        String needle = state.filter == null ? null : state.filter.toLowerCase(java.util.Locale.ROOT);
        List<RunView.Row> rows = new ArrayList<>();
        RunView.Row header = null;
        for (RunView.Row row : all) {
            if (row.isHeader()) {
                header = row;
                continue;
            }
            Task t = view.tasks.get(row.task()).task;
            boolean text = needle == null
                    || t.id().toLowerCase(java.util.Locale.ROOT).contains(needle)
                    || t.title().toLowerCase(java.util.Locale.ROOT).contains(needle);
            boolean status = state.statusFilter == null || t.status() == state.statusFilter;
            if (text && status) {
                if (header != null) {
                    rows.add(header);
                    header = null;
                }
                rows.add(row);
            }
        }
        return rows;
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
        String dot = " " + glyphs.dot() + " ";
        long done = view.count(TaskStatus.DONE);
        long failed = view.count(TaskStatus.FAILED);
        Usage usage = view.usage();
        String right = done + "/" + view.tasks.size() + " done" + (failed > 0 ? dot + failed + " failed" : "") + dot
                + (usage.isNone() ? "" : Usage.compact(usage.totalTokens()) + " tok" + dot)
                + Text.duration(view.elapsed(now)) + " ";
        String left = " planexec" + dot + view.planName + (view.planAgent == null ? "" : dot + view.planAgent);
        theme.header(g);
        Cells.put(g, 0, 0, Text.fit(left, width - right.length()));
        theme.normal(g);
        g.putString(width - right.length(), 0, right);
    }

    private void progress(TextGraphics g, int width, RunView view, Instant now) {
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
        String state = runState(view, glyphs);
        int col = 1 + barWidth + percent.length();
        if (!state.isEmpty()) {
            theme.warn(g);
            g.putString(col, 1, state);
            col += state.length() + 2;
        }
        String notice = view.notice(now);
        if (notice != null && col < width - 4) {
            theme.dim(g);
            g.putString(col, 1, Text.fit(notice, width - col - 1));
        }
    }

    private static String runState(RunView view, Glyphs glyphs) {
        RunSummary over = view.finished != null ? view.finished : view.anyRunning() ? null : view.idle;
        if (over != null) {
            return switch (over.outcome()) {
                case COMPLETED -> "FINISHED: all done";
                case INCOMPLETE -> "FINISHED: not all done";
                case INTERRUPTED -> "STOPPED";
                case SAVE_FAILED -> "STOPPED: cannot save";
            };
        }
        if (view.stopping) {
            return glyphs.ascii() ? "STOPPING..." : "STOPPING…";
        }
        if (view.paused) {
            return "PAUSED";
        }
        return view.started == null ? "" : "RUNNING";
    }

    private void taskList(
            TextGraphics g, int top, int width, int height, RunView view, ScreenState state, Instant now) {
        List<RunView.Row> rows = visibleRows(view, state);
        boolean filtered = state.filter != null || state.statusFilter != null;
        int listHeight = filtered ? height - 1 : height;
        int selectedRow = rowOf(rows, state.selected);
        if (selectedRow < state.listTop) {
            state.listTop = selectedRow;
        } else if (selectedRow >= state.listTop + listHeight) {
            state.listTop = selectedRow - listHeight + 1;
        }
        state.listTop = Math.max(0, Math.min(state.listTop, Math.max(0, rows.size() - listHeight)));
        int idWidth = Math.min(
                Math.max(4, width / 3),
                view.tasks.stream().mapToInt(t -> t.task.id().length()).max().orElse(4));
        int agentWidth = view.mixedAgents ? 8 : 0;
        // Tokens only once some task has used any, so a plan on the local agent keeps its titles wide.
        int tokensWidth = view.tasks.stream().anyMatch(t -> !t.task.usage().isNone()) ? TOKENS_WIDTH : 0;
        int titleWidth = Math.max(0, width - 2 - idWidth - 1 - agentWidth - tokensWidth - 7);
        for (int r = 0; r < listHeight && state.listTop + r < rows.size(); r++) {
            RunView.Row row = rows.get(state.listTop + r);
            int y = top + r;
            if (row.isHeader()) {
                theme.header(g);
                g.putString(0, y, Text.fit(" " + row.header().replace("·", glyphs.dot()), width));
                continue;
            }
            TaskView task = view.tasks.get(row.task());
            Task t = task.task;
            boolean selected = row.task() == state.selected;
            // Before the run starts, a task left in progress by a dead run is not running: no spinner, no clock.
            boolean orphaned = view.started == null && t.status() == TaskStatus.IN_PROGRESS;
            TaskStatus shown = orphaned ? TaskStatus.INTERRUPTED : t.status();
            String elapsed = orphaned ? "" : Text.shortDuration(RunView.taskElapsed(t, now));
            String glyph;
            if (view.isHeld(task)) {
                theme.held(g);
                glyph = glyphs.held();
            } else if (view.blockedBy(task) != null) {
                theme.blocked(g);
                glyph = glyphs.blocked();
            } else {
                theme.status(g, shown);
                glyph = glyphs.status(shown, state.frame);
            }
            if (selected) {
                theme.selected(g, !state.outputFocused);
            }
            g.putString(0, y, glyph + " ");
            theme.normal(g);
            if (selected) {
                theme.selected(g, !state.outputFocused);
            }
            String line = Text.fit(t.id(), idWidth) + " " + Text.fit(t.title(), titleWidth)
                    + (agentWidth > 0 ? " " + Text.fit(task.agent, agentWidth - 1) : "")
                    + (tokensWidth > 0 ? " " + tokens(t, tokensWidth - 1) : "") + " "
                    + Text.fit(elapsed, 6);
            Cells.put(g, 2, y, Text.fit(line, width - 2));
        }
        if (filtered) {
            theme.key(g);
            String what = (state.filter == null ? "" : "/" + state.filter + " ")
                    + (state.statusFilter == null ? "" : state.statusFilter.json() + " ") + "(" + rows.size() + " of "
                    + view.tasks.size() + ")";
            g.putString(0, top + height - 1, Text.fit(" filter: " + what, width));
        }
        if (rows.size() > listHeight) {
            theme.dim(g);
            String more =
                    (state.listTop + 1) + "-" + Math.min(rows.size(), state.listTop + listHeight) + "/" + rows.size();
            g.putString(Math.max(0, width - more.length() - 1), top + listHeight - 1, more);
        }
    }

    /** A task's tokens, right-aligned: {@code 2.5k}, blank before it used any ({@link Usage#compact} is ASCII). */
    private static String tokens(Task t, int width) {
        String text = t.usage().isNone() ? "" : Usage.compact(t.usage().totalTokens());
        return " ".repeat(Math.max(0, width - text.length())) + Text.fit(text, width);
    }

    static int rowOf(List<RunView.Row> rows, int taskIndex) {
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).task() == taskIndex) {
                return i;
            }
        }
        return 0;
    }

    /** How a line of the detail pane is drawn. */
    private enum Style {
        TITLE,
        STATUS,
        BLOCKED,
        HELD,
        PLAIN,
        DIM
    }

    private record DetailLine(Style style, String text) {}

    private void detail(
            TextGraphics g, int left, int top, int width, int height, RunView view, ScreenState state, Instant now) {
        if (view.tasks.isEmpty()) {
            return;
        }
        TaskView task = view.tasks.get(state.selected);
        Task t = task.task;
        String dot = " " + glyphs.dot() + " ";
        List<DetailLine> lines = new ArrayList<>();
        lines.add(new DetailLine(Style.TITLE, t.id() + dot + t.title()));
        String elapsed = Text.duration(RunView.taskElapsed(t, now));
        lines.add(new DetailLine(
                Style.STATUS,
                t.status().json()
                        + dot
                        + task.agent
                        + (elapsed.isEmpty() ? "" : dot + elapsed)
                        + (t.attempts() > 0 ? dot + "attempt " + t.attempts() : "")));
        String blocker = view.blockedBy(task);
        if (view.isHeld(task)) {
            lines.add(new DetailLine(Style.HELD, "held by Clean Up: s starts it"));
        } else if (blocker != null) {
            lines.add(new DetailLine(Style.BLOCKED, "blocked: " + blocker + " failed (r on it retries it)"));
        }
        if (t.waitsToRetry()) {
            lines.add(new DetailLine(
                    Style.STATUS,
                    "waiting to retry at " + clockTime(t.retryState().nextAttemptAt())));
        }
        if (!t.usage().isNone()) {
            lines.add(new DetailLine(Style.DIM, "tokens " + t.usage().describe()));
        }
        lines.add(new DetailLine(Style.PLAIN, "session " + (t.sessionId() == null ? "-" : t.sessionId())));
        if (!t.sessionContext().isEmpty()) {
            var c = t.sessionContext();
            String ctx = c.getOrDefault("cwd", "")
                    + (c.containsKey("branch") ? " (" + c.get("branch") + ")" : "")
                    + (c.containsKey("repository") ? " " + c.get("repository") : "");
            lines.add(new DetailLine(Style.DIM, "context " + ctx));
        }
        if (t.worktree() != null) {
            // The branch first: a long worktree path is cut at the pane's edge, the branch is what to git diff.
            lines.add(new DetailLine(
                    Style.DIM,
                    "branch " + t.worktree().branch() + (t.worktree().startCommit() == null ? "" : " · d diff")
                            + " · worktree " + t.worktree().path()));
            if (task.diffStat != null) {
                lines.add(new DetailLine(Style.DIM, "changes " + task.diffStat + " since its worktree started"));
            }
        }
        lines.add(new DetailLine(
                Style.DIM, "depends on " + (t.dependsOn().isEmpty() ? "nothing" : String.join(", ", t.dependsOn()))));
        for (String l : Text.wrap(t.description(), width, 3)) {
            lines.add(new DetailLine(Style.PLAIN, l));
        }
        int criteria = 0;
        for (String c : t.acceptanceCriteria()) {
            if (criteria++ == 3) {
                lines.add(new DetailLine(
                        Style.DIM,
                        "  " + (glyphs.ascii() ? "..." : "…") + " "
                                + (t.acceptanceCriteria().size() - 3) + " more criteria"));
                break;
            }
            // A plain bullet: planexec does not check criteria, so a tick would claim what nobody verified.
            lines.add(new DetailLine(Style.DIM, "  - " + c));
        }
        int y = top;
        for (DetailLine line : lines) {
            if (y >= top + height - 2) {
                break;
            }
            switch (line.style()) {
                case TITLE -> theme.header(g);
                case STATUS -> theme.status(g, t.status());
                case BLOCKED -> theme.blocked(g);
                case HELD -> theme.held(g);
                case DIM -> theme.dim(g);
                case PLAIN -> theme.normal(g);
            }
            Cells.put(g, left, y++, Text.fit(line.text(), width));
        }
        outputPane(g, left, y, width, top + height - y, task, state);
    }

    /** One screen row of output: the line it comes from, and the part of its text it shows. */
    private record OutputRow(OutputLine line, String text, boolean first) {}

    private void outputPane(
            TextGraphics g, int left, int top, int width, int height, TaskView task, ScreenState state) {
        if (height < 2) {
            return;
        }
        List<OutputLine> lines = task.output.lines();
        int visible = height - 1;
        int maxOffset = state.wrap ? Math.max(0, lines.size() - 1) : Math.max(0, lines.size() - visible);
        state.outputOffset = Math.max(0, Math.min(state.outputOffset, maxOffset));
        int bottom = lines.size() - 1 - state.outputOffset;
        // Rows are built upwards from the last line shown, so wrapped lines fill the pane from its bottom.
        java.util.ArrayDeque<OutputRow> rows = new java.util.ArrayDeque<>();
        for (int i = bottom; i >= 0 && rows.size() < visible; i--) {
            List<OutputRow> of = rowsOf(lines.get(i), width, state);
            for (int j = of.size() - 1; j >= 0; j--) {
                rows.addFirst(of.get(j));
            }
        }
        while (rows.size() > visible) {
            rows.removeFirst();
        }
        String position = lines.isEmpty() ? "" : "line " + (bottom + 1) + " of " + lines.size() + " ";
        String dot = glyphs.dot() + " ";
        String title = " output " + dot + position + (position.isEmpty() ? "" : dot)
                + (state.outputOffset == 0 ? "following " : state.outputOffset + " up ")
                + (state.wrap ? dot + "wrap " : state.hscroll > 0 ? dot + "+" + state.hscroll + " cols " : "")
                + (state.search == null ? "" : dot + "/" + state.search + " ");
        // Focus shows in the rule's colour (and the status bar's keys), not in words the pane needs for position.
        if (state.outputFocused) {
            theme.key(g);
        } else {
            theme.dim(g);
        }
        String rule = String.valueOf(glyphs.rule());
        String ruleLine = rule.repeat(2) + Text.stripControls(title) + rule.repeat(Math.max(0, width));
        g.putString(left, top, ruleLine.substring(0, Math.min(ruleLine.length(), width)));
        int y = top + 1;
        for (OutputRow row : rows) {
            drawOutputRow(g, left, y++, width, row, state.search);
        }
        if (lines.isEmpty()) {
            theme.dim(g);
            TaskStatus status = task.task.status();
            String empty = status == TaskStatus.PENDING
                    ? "not started"
                    : task.task.sessionId() != null && status != TaskStatus.IN_PROGRESS
                            ? "ran in an earlier run; its transcript is in session " + task.task.sessionId()
                            : "no output yet";
            for (String l : Text.wrap(empty, width, visible)) {
                g.putString(left, y++, Text.fit(l, width));
            }
        }
    }

    /** The rows a line takes: one (cut, or scrolled right), or as many as wrapping needs. */
    private List<OutputRow> rowsOf(OutputLine line, int width, ScreenState state) {
        String marker = glyphs.marker(line.kind());
        int indent = marker.isEmpty() ? 0 : marker.length() + 1;
        int room = Math.max(1, width - indent);
        String text = Text.stripControls(line.text());
        if (!state.wrap) {
            String shown = state.hscroll >= text.length() ? "" : text.substring(state.hscroll);
            return List.of(new OutputRow(line, shown, true));
        }
        List<OutputRow> rows = new ArrayList<>();
        int start = 0;
        do {
            int end = Math.min(text.length(), start + room);
            rows.add(new OutputRow(line, text.substring(start, end), start == 0));
            start = end;
        } while (start < text.length());
        return rows;
    }

    private void drawOutputRow(TextGraphics g, int left, int y, int width, OutputRow row, String search) {
        String marker = glyphs.marker(row.line().kind());
        int indent = marker.isEmpty() ? 0 : marker.length() + 1;
        styleOutput(g, row.line().kind());
        if (indent > 0 && row.first()) {
            g.putString(left, y, marker + " ");
        }
        String text = Text.fit(row.text(), width - indent);
        Cells.put(g, left + indent, y, text);
        if (search != null && !search.isEmpty()) {
            String lower = row.text().toLowerCase(java.util.Locale.ROOT);
            String needle = search.toLowerCase(java.util.Locale.ROOT);
            for (int at = lower.indexOf(needle); at >= 0; at = lower.indexOf(needle, at + needle.length())) {
                if (at + needle.length() > width - indent) {
                    break;
                }
                theme.match(g);
                g.putString(left + indent + at, y, row.text().substring(at, at + needle.length()));
            }
        }
    }

    private void styleOutput(TextGraphics g, OutputLine.Kind kind) {
        switch (kind) {
            case TOOL_START, SESSION -> theme.key(g);
            case TOOL_FAILED, ERROR -> theme.status(g, TaskStatus.FAILED);
            case TOOL_OK -> theme.status(g, TaskStatus.DONE);
            case NOTICE -> theme.warn(g);
            case STDERR -> theme.stderr(g);
            case STDOUT -> theme.normal(g);
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

    private void statusBar(TextGraphics g, int width, int row, ScreenState state) {
        if (state.input != null) {
            theme.normal(g);
            g.putString(0, row, " ".repeat(width));
            theme.key(g);
            String prompt = (state.inputIsSearch ? " search output: /" : " filter tasks: /") + state.input;
            g.putString(0, row, Text.fit(prompt + "_", width));
            return;
        }
        List<Hint> keys = new ArrayList<>();
        for (KeyBindings.Binding b : state.hints) {
            keys.add(new Hint(glyphs.keys(b.barKey()), b.hint(), b.rank()));
        }
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
