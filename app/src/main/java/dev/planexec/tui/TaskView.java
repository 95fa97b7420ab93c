package dev.planexec.tui;

import dev.planexec.isolation.DiffStat;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;

/** What the screen knows of one task; owned by the UI thread. */
final class TaskView {
    Task task;
    final String agent;
    final int level;
    final OutputBuffer output = new OutputBuffer();
    /** What the task's worktree changed, as last counted ({@code null}: not counted yet, or no worktree). */
    DiffStat diffStat;
    /** When {@link #diffStat} was asked for (clock millis), and in which status; -1 when never. */
    long diffStatAskedAt = -1;

    TaskStatus diffStatAskedIn;
    boolean diffStatPending;

    TaskView(Task task, String agent, int level) {
        this.task = task;
        this.agent = agent;
        this.level = level;
    }
}
