package dev.planexec.agent;

import java.time.Duration;
import java.util.List;

/**
 * A task as an agent sees it: what to do, how to know it is done, what the tasks it depends on did, and where it
 * stands in its plan. Built by the scheduler from the plan, so backends need not know the plan format.
 *
 * @param dependencies the tasks this one depends on, in the order the task names them
 * @param otherTasks the plan's other tasks (not the dependencies), for context
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
        List<Dependency> dependencies,
        List<OtherTask> otherTasks) {

    public TaskBrief {
        acceptanceCriteria = List.copyOf(acceptanceCriteria);
        steps = List.copyOf(steps);
        dependencies = List.copyOf(dependencies);
        otherTasks = List.copyOf(otherTasks);
    }

    /** A shell step for the local agent; {@code timeout} is {@code null} for none. */
    public record StepSpec(String run, Duration timeout) {}

    /** Another task of the plan, for the agent's context. */
    public record OtherTask(String id, String title, String status) {}

    /**
     * A task this one depends on.
     *
     * @param result what it did: the agent's final message, or a local task's last output lines; {@code null} if
     *     it has none (not done yet, or it said nothing)
     * @param sessionId the session that holds its whole conversation, or {@code null}
     */
    public record Dependency(String id, String title, String status, String result, String sessionId) {}
}
