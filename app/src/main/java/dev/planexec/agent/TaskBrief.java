package dev.planexec.agent;

import java.time.Duration;
import java.util.List;

/**
 * A task as an agent sees it: what to do, how to know it is done, and where it stands in its plan. Built by the
 * scheduler from the plan, so backends need not know the plan format.
 */
public record TaskBrief(
        String planId,
        String planName,
        String planDescription,
        String planFile,
        String taskId,
        String title,
        String description,
        List<String> acceptanceCriteria,
        List<StepSpec> steps,
        List<OtherTask> otherTasks) {

    public TaskBrief {
        acceptanceCriteria = List.copyOf(acceptanceCriteria);
        steps = List.copyOf(steps);
        otherTasks = List.copyOf(otherTasks);
    }

    /** A shell step for the local agent; {@code timeout} is {@code null} for none. */
    public record StepSpec(String run, Duration timeout) {}

    /** Another task of the plan, for the agent's context. */
    public record OtherTask(String id, String title, String status) {}
}
