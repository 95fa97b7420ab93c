package dev.planexec.agent;

/**
 * The prompts prompt-driven agents receive: the full one for a new session, a short one for a resumed session and
 * one for a retry after a transient failure. The README shows an example of each.
 */
public final class Prompts {
    /** A dependency's result is quoted up to this many characters. */
    public static final int MAX_DEPENDENCY_RESULT = 2000;
    /** All dependencies' results together are quoted up to this many characters. */
    public static final int MAX_DEPENDENCY_RESULTS = 8000;

    private Prompts() {}

    /**
     * The first prompt of a task's session. Its first line is the task's title and id, which is what a CLI's session
     * picker ({@code copilot --resume}, {@code claude --resume}) shows of a session, so a person can find a task's
     * session among the others; then the plan, the task's description and acceptance criteria, the tasks it depends
     * on with what each did, the plan's other tasks, and the request to say per acceptance criterion whether it is
     * met.
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
        appendDependencies(p, task);
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
        p.append('\n').append(closing(task));
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
                + "criteria are met. " + closing(task);
    }

    /** For a session going on after a transient failure (a model error, a crash, a timeout) ended its last turn. */
    public static String retry(TaskBrief task, String lastError) {
        return "Your last turn on task " + task.taskId() + " (" + task.title() + ") ended before it was done: "
                + oneLine(lastError) + ". Check what is already done, then continue the task until its acceptance "
                + "criteria are met. " + closing(task);
    }

    private static String closing(TaskBrief task) {
        if (task.acceptanceCriteria().isEmpty()) {
            return "When the task is complete, reply with a short summary of what you did.";
        }
        return "When the task is complete, check every acceptance criterion and say, for each one, whether it is met "
                + "(and if not, why); then reply with a short summary of what you did.";
    }

    /**
     * Names the dependencies, then quotes each one's result, bounded so that a long chain of tasks cannot fill the
     * model's context: where a result is cut, the prompt says where the rest is.
     */
    private static void appendDependencies(StringBuilder p, TaskBrief task) {
        if (task.dependencies().isEmpty()) {
            return;
        }
        p.append("\nThis task depends on ").append(task.dependencies().size() == 1 ? "task " : "tasks ");
        for (int i = 0; i < task.dependencies().size(); i++) {
            TaskBrief.Dependency d = task.dependencies().get(i);
            p.append(i == 0 ? "" : ", ")
                    .append(d.id())
                    .append(" (")
                    .append(d.title())
                    .append(')');
        }
        p.append(".\n");
        int budget = MAX_DEPENDENCY_RESULTS;
        for (TaskBrief.Dependency d : task.dependencies()) {
            p.append("\nResult of task ")
                    .append(d.id())
                    .append(" [")
                    .append(d.status())
                    .append("]:\n");
            String result = d.result() == null ? "" : d.result().strip();
            if (result.isEmpty()) {
                p.append("(no result recorded)\n");
                continue;
            }
            int room = Math.min(MAX_DEPENDENCY_RESULT, budget);
            if (result.length() <= room) {
                p.append(result).append('\n');
                budget -= result.length();
                continue;
            }
            String kept = result.substring(0, Math.max(0, room));
            budget -= kept.length();
            if (!kept.isEmpty()) {
                p.append(kept).append('\n');
            }
            p.append("[... ")
                    .append(result.length() - kept.length())
                    .append(" more characters: the whole result is task ")
                    .append(d.id())
                    .append("'s \"agentResult\" in ")
                    .append(task.planFile());
            if (d.sessionId() != null) {
                p.append(" and its conversation is in session ").append(d.sessionId());
            }
            p.append("]\n");
        }
    }

    private static String oneLine(String text) {
        if (text == null || text.isBlank()) {
            return "an error";
        }
        String line = text.strip().lines().findFirst().orElse("");
        return line.length() <= 300 ? line : line.substring(0, 300) + "...";
    }
}
