package dev.planexec.plan;

/**
 * The plan format's rule for which agent runs a task. Which agent names exist is not the plan's to say: the caller
 * that reads a plan passes them (the agent registry's list).
 */
public final class Agents {
    public static final String LOCAL = "local";
    public static final String COPILOT = "copilot";

    private Agents() {}

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
