package dev.planexec.tui;

import dev.planexec.plan.Task;

/** What the screen knows of one task; owned by the UI thread. */
final class TaskView {
    Task task;
    final String agent;
    final int level;
    final OutputBuffer output = new OutputBuffer();

    TaskView(Task task, String agent, int level) {
        this.task = task;
        this.agent = agent;
        this.level = level;
    }
}
