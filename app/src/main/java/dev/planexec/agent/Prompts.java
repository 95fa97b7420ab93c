package dev.planexec.agent;

/** The prompts prompt-driven agents receive: the full one for a new session, a short one for a resumed session. */
public final class Prompts {
    private Prompts() {}

    /**
     * Title, description, acceptance criteria and the plan's context. Its first line is the task's title and id, which
     * is what a CLI's session picker ({@code copilot --resume}, {@code claude --resume}) shows of a session, so a person
     * can find a task's session among the others.
     */
    public static String first(TaskBrief task) {
        StringBuilder p = new StringBuilder();
        p.append(firstLine(task)).append("\n\n");
        p.append("You are executing one task of the plan \"")
                .append(task.planName())
                .append("\".\n");
        if (!task.planDescription().isBlank()) {
            p.append("Plan: ").append(task.planDescription()).append('\n');
        }
        p.append("\nTask ")
                .append(task.taskId())
                .append(": ")
                .append(task.title())
                .append('\n');
        if (!task.description().isBlank()) {
            p.append('\n').append(task.description()).append('\n');
        }
        if (!task.acceptanceCriteria().isEmpty()) {
            p.append("\nAcceptance criteria:\n");
            task.acceptanceCriteria().forEach(c -> p.append("- ").append(c).append('\n'));
        }
        if (!task.otherTasks().isEmpty()) {
            p.append("\nOther tasks of the plan (for context; do only this task):\n");
            task.otherTasks().forEach(t -> p.append("- ")
                    .append(t.id())
                    .append(" [")
                    .append(t.status())
                    .append("]: ")
                    .append(t.title())
                    .append('\n'));
        }
        p.append("\nWhen the task is complete, reply with a short summary of what you did.");
        return p.toString();
    }

    /** {@code Title (planexec task ID)}, on one line whatever the title holds. */
    static String firstLine(TaskBrief task) {
        String title = task.title().replaceAll("\\s+", " ").strip();
        return (title.isEmpty() ? task.taskId() : title) + " (planexec task " + task.taskId() + ")";
    }

    /** For a session that already holds the task's conversation. */
    public static String continuation(TaskBrief task) {
        return "The run executing this plan was interrupted while you worked on task " + task.taskId() + " ("
                + task.title() + "). Check what is already done, then continue the task until its acceptance "
                + "criteria are met, and reply with a short summary.";
    }
}
