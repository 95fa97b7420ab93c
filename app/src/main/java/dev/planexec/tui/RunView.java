package dev.planexec.tui;

import dev.planexec.agent.AgentEvent;
import dev.planexec.plan.Plan;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import dev.planexec.plan.Usage;
import dev.planexec.run.AgentPool;
import dev.planexec.run.RunEvent;
import dev.planexec.run.RunSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The run as the screen shows it, built from {@link RunEvent}s. Owned by the UI thread: workers never touch it,
 * they post events that the UI thread applies between frames.
 */
final class RunView {
    final String planName;
    final String planAgent;
    private final Plan plan;
    private final String agentOverride;
    final List<TaskView> tasks = new ArrayList<>();
    final Map<String, Integer> index = new HashMap<>();
    /** Header messages, newest last; each shows for {@link #NOTICE_SECONDS} and goes when its task changes state. */
    final Deque<Notice> notices = new ArrayDeque<>();
    /** What the run landed on its integration branch, once it ended with worktrees; else {@code null}. */
    RunEvent.WorkLanded landed;
    /** Running tasks, the most recently started last: follow mode shows the last. */
    final List<String> runningOrder = new ArrayList<>();
    /** Whether the plan's tasks run on more than one agent: only then does the list show the agent. */
    final boolean mixedAgents;

    static final int NOTICE_SECONDS = 5;
    private final java.util.function.Supplier<Instant> clock;

    /** A header message; {@code taskId} is the task it is about, or {@code null}. */
    record Notice(String taskId, String text, Instant at) {}

    Instant started;
    boolean paused;
    boolean stopping;
    RunSummary finished;
    /** Nothing runs or can start, but the run is open for retries: what it would report if it ended now. */
    RunSummary idle;
    /** Tasks held by Clean Up: they wait for {@code s}. */
    final java.util.Set<String> held = new java.util.HashSet<>();
    /** Rows of the plain list and of the batches view, computed once: the plan's shape does not change. */
    final List<Row> listRows = new ArrayList<>();

    final List<Row> batchRows = new ArrayList<>();

    /** A row of the task list: a task, or (in the batches view) the header of a dependency level. */
    record Row(int task, String header) {
        boolean isHeader() {
            return task < 0;
        }
    }

    RunView(Plan plan, String agentOverride) {
        this(plan, agentOverride, Instant::now);
    }

    RunView(Plan plan, String agentOverride, java.util.function.Supplier<Instant> clock) {
        this.plan = plan;
        this.agentOverride = agentOverride;
        this.clock = clock;
        this.planName = plan.name() == null || plan.name().isBlank() ? plan.id() : plan.name();
        this.planAgent = agentOverride != null ? agentOverride : plan.agent();
        int[] levels = levels(plan);
        for (int i = 0; i < plan.tasks().size(); i++) {
            Task task = plan.tasks().get(i);
            tasks.add(new TaskView(task, AgentPool.agentFor(plan, task, agentOverride), levels[i]));
            index.put(task.id(), i);
        }
        mixedAgents = tasks.stream().map(t -> t.agent).distinct().count() > 1;
        Integer[] order = new Integer[tasks.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> levels[a] != levels[b] ? Integer.compare(levels[a], levels[b]) : a - b);
        int[] perLevel = new int[tasks.size() + 1];
        for (int l : levels) {
            perLevel[l]++;
        }
        int level = -1;
        for (int i : order) {
            listRows.add(new Row(i, null));
            if (levels[i] != level) {
                level = levels[i];
                int size = perLevel[level];
                batchRows.add(new Row(-1, "Batch " + (level + 1) + " · " + size + (size == 1 ? " task" : " tasks")));
            }
            batchRows.add(new Row(i, null));
        }
    }

    List<Row> rows(boolean batches) {
        return batches ? batchRows : listRows;
    }

    void apply(RunEvent event) {
        if (event instanceof RunEvent.StateChanged change) {
            TaskView view = view(change.after().id());
            if (view == null) {
                view = added(change.after());
            }
            String id = change.after().id();
            if (change.before().status() != change.after().status()) {
                // A message about a task does not outlive the state it describes ("aborting", then interrupted).
                notices.removeIf(n -> id.equals(n.taskId()));
            }
            runningOrder.remove(id);
            if (change.after().status() == TaskStatus.IN_PROGRESS) {
                idle = null;
                held.remove(id);
                runningOrder.add(id);
            }
            if (view != null) {
                view.task = change.after();
                if (change.after().status() == TaskStatus.FAILED
                        && change.after().error() != null) {
                    view.output.addLines(OutputLine.Kind.ERROR, change.after().error());
                }
            }
        } else if (event instanceof RunEvent.TaskOutput output) {
            TaskView view = view(output.taskId());
            if (view != null) {
                if (output.event() instanceof AgentEvent.Usage u) {
                    // Live: the scheduler saves it with the task's next state change, which then replaces this.
                    view.task = view.task.plusUsage(
                            new Usage(u.inputTokens(), u.outputTokens(), u.cachedTokens(), u.costUsd()));
                }
                applyOutput(view.output, output.event());
            }
        } else if (event instanceof RunEvent.TaskStarted started) {
            TaskView view = view(started.taskId());
            if (view != null) {
                view.output.addLines(
                        OutputLine.Kind.SESSION,
                        (started.resumed() ? "resumed session " : "session ") + started.sessionId());
            }
        } else if (event instanceof RunEvent.Notice notice) {
            note(notice.taskId(), (notice.taskId() == null ? "" : notice.taskId() + ": ") + notice.message());
            TaskView view = notice.taskId() == null ? null : view(notice.taskId());
            if (view != null) {
                view.output.addLines(OutputLine.Kind.NOTICE, notice.message());
            }
        } else if (event instanceof RunEvent.WorkLanded work) {
            landed = work;
            note(work.describe());
        } else if (event instanceof RunEvent.Idle rest) {
            idle = rest.summary();
        } else if (event instanceof RunEvent.RunFinished done) {
            finished = done.summary();
            stopping = false;
        }
    }

    /** What every task of the plan has used so far. */
    Usage usage() {
        Usage total = Usage.NONE;
        for (TaskView t : tasks) {
            total = total.plus(t.task.usage());
        }
        return total;
    }

    /** A task the user added to the file during the run: a row at the end, one level below its dependencies. */
    private TaskView added(Task task) {
        int level = 0;
        for (String dep : task.dependsOn()) {
            TaskView d = view(dep);
            level = Math.max(level, d == null ? 0 : d.level + 1);
        }
        TaskView view = new TaskView(task, AgentPool.agentFor(plan, task, agentOverride), level);
        index.put(task.id(), tasks.size());
        listRows.add(new Row(tasks.size(), null));
        batchRows.add(new Row(tasks.size(), null));
        tasks.add(view);
        return view;
    }

    private static void applyOutput(OutputBuffer out, AgentEvent event) {
        if (event instanceof AgentEvent.Output o) {
            out.addLines(
                    o.stream() == AgentEvent.Stream.STDERR ? OutputLine.Kind.STDERR : OutputLine.Kind.STDOUT, o.text());
        } else if (event instanceof AgentEvent.MessageDelta d) {
            out.append(d.text());
        } else if (event instanceof AgentEvent.ToolStart s) {
            out.addLines(OutputLine.Kind.TOOL_START, s.tool() + "  " + s.detail());
        } else if (event instanceof AgentEvent.ToolEnd e) {
            out.addLines(
                    e.success() ? OutputLine.Kind.TOOL_OK : OutputLine.Kind.TOOL_FAILED, e.tool() + "  " + e.detail());
        } else if (event instanceof AgentEvent.Notice n) {
            out.addLines(OutputLine.Kind.NOTICE, n.text());
        } else if (event instanceof AgentEvent.Error e) {
            out.addLines(OutputLine.Kind.ERROR, e.message());
        }
    }

    void note(String message) {
        note(null, message);
    }

    void note(String taskId, String message) {
        notices.addLast(new Notice(taskId, message, clock.get()));
        while (notices.size() > 20) {
            notices.removeFirst();
        }
    }

    TaskView view(String taskId) {
        Integer i = index.get(taskId);
        return i == null ? null : tasks.get(i);
    }

    /** The newest header message still to show at {@code now}, or {@code null}. */
    String notice(Instant now) {
        Notice last = notices.peekLast();
        if (last == null || last.at().plusSeconds(NOTICE_SECONDS).isBefore(now)) {
            // Once the run is over, what it landed and how to take it stays in view.
            boolean over = finished != null || (idle != null && !anyRunning());
            return over && landed != null ? landed.describe() : null;
        }
        return last.text();
    }

    /** The task that follow mode shows: the most recently started of those running, or -1. */
    int followed() {
        return runningOrder.isEmpty() ? -1 : index.get(runningOrder.get(runningOrder.size() - 1));
    }

    /**
     * The failed task a pending one waits for, directly or through other pending tasks, or {@code null} if it is not
     * blocked: it cannot run until that task is retried.
     */
    String blockedBy(TaskView task) {
        return blockedBy(task, new java.util.HashSet<>());
    }

    private String blockedBy(TaskView task, java.util.Set<String> seen) {
        if (task.task.status() != TaskStatus.PENDING || !seen.add(task.task.id())) {
            return null;
        }
        for (String dep : task.task.dependsOn()) {
            TaskView d = view(dep);
            if (d == null) {
                continue;
            }
            if (d.task.status() == TaskStatus.FAILED) {
                return dep;
            }
            String deeper = blockedBy(d, seen);
            if (deeper != null) {
                return deeper;
            }
        }
        return null;
    }

    boolean isHeld(TaskView task) {
        return task.task.status() == TaskStatus.PENDING && held.contains(task.task.id());
    }

    long count(TaskStatus status) {
        return tasks.stream().filter(t -> t.task.status() == status).count();
    }

    boolean anyRunning() {
        return tasks.stream().anyMatch(t -> t.task.status() == TaskStatus.IN_PROGRESS);
    }

    Duration elapsed(Instant now) {
        if (started == null) {
            return Duration.ZERO;
        }
        if (finished != null) {
            return finished.elapsed();
        }
        return Duration.between(started, now);
    }

    /** How long a task has run (or ran), from the times the plan records. */
    static Duration taskElapsed(Task task, Instant now) {
        if (task.startedAt() == null) {
            return null;
        }
        try {
            Instant start = Instant.parse(task.startedAt());
            Instant end = task.finishedAt() != null && task.status() != TaskStatus.IN_PROGRESS
                    ? Instant.parse(task.finishedAt())
                    : now;
            return Duration.between(start, end).isNegative() ? Duration.ZERO : Duration.between(start, end);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Dependency level of each task: 0 for tasks without dependencies, else one more than their deepest. */
    static int[] levels(Plan plan) {
        Map<String, Integer> idx = plan.indexById();
        int n = plan.tasks().size();
        int[] level = new int[n];
        int[] waiting = new int[n];
        List<List<Integer>> dependents = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            dependents.add(new ArrayList<>(2));
        }
        for (int i = 0; i < n; i++) {
            for (String dep : plan.tasks().get(i).dependsOn()) {
                Integer d = idx.get(dep);
                if (d != null) {
                    dependents.get(d).add(i);
                    waiting[i]++;
                }
            }
        }
        Deque<Integer> ready = new ArrayDeque<>();
        for (int i = 0; i < n; i++) {
            if (waiting[i] == 0) {
                ready.add(i);
            }
        }
        while (!ready.isEmpty()) { // Kahn's order: each task after all it depends on
            int i = ready.poll();
            for (int j : dependents.get(i)) {
                level[j] = Math.max(level[j], level[i] + 1);
                if (--waiting[j] == 0) {
                    ready.add(j);
                }
            }
        }
        return level;
    }
}
