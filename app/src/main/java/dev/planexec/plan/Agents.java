package dev.planexec.plan;

import java.util.List;

/** The agent names a plan may use ({@code "agent"} on the plan or a task, or {@code --agent}). */
public final class Agents {
    public static final String LOCAL = "local";
    public static final String COPILOT = "copilot";

    /** Every name the plan format accepts, in the order the README lists them. */
    public static final List<String> NAMES = List.of(LOCAL, COPILOT, "claude", "codex", "gemini", "pi", "cursor");

    private Agents() {}

    public static boolean isKnown(String name) {
        return NAMES.contains(name);
    }

    /**
     * The agent that runs {@code task}: {@code override} ({@code --agent}), else the task's, else the plan's, else
     * {@code local} for a task with steps and {@code copilot} for one without (so a Planeteer plan, whose tasks are
     * prompts, runs through Copilot as it is).
     */
    public static String agentFor(Plan plan, Task task, String override) {
        if (override != null) {
            return override;
        }
        if (task.agent() != null) {
            return task.agent();
        }
        if (plan.agent() != null) {
            return plan.agent();
        }
        return task.hasSteps() ? LOCAL : COPILOT;
    }
}
