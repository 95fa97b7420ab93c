package dev.planexec.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.planexec.plan.RetryState;
import dev.planexec.plan.Step;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import dev.planexec.plan.Usage;
import java.util.List;
import java.util.Map;

/**
 * Tasks made in code for tests and generated plans: the canonical constructor's long list of run fields written once.
 *
 * <pre>{@code
 * Task build = Tasks.of("build", "Build it", List.of(), List.of(Step.of("make")));
 * Task review = Tasks.unrun("review", "Review", "Read it.", List.of("a reply"), List.of("build"),
 *         List.of(Step.of("true")), TaskStatus.PENDING, "claude", null);
 * }</pre>
 */
public final class Tasks {
    private Tasks() {}

    /** A pending task with only an id, a title and steps. */
    public static Task of(String id, String title, List<String> dependsOn, List<Step> steps) {
        return unrun(id, title, "", List.of(), dependsOn, steps, TaskStatus.PENDING, null, null);
    }

    /**
     * A task with only the fields a user writes: no session, attempts, notes, usage, retries, isolation or worktree.
     *
     * @param agent the task's own agent, or {@code null} for the plan's
     * @param source the JSON object it was read from, or {@code null} for a task made in code
     */
    public static Task unrun(
            String id,
            String title,
            String description,
            List<String> acceptanceCriteria,
            List<String> dependsOn,
            List<Step> steps,
            TaskStatus status,
            String agent,
            ObjectNode source) {
        return new Task(
                id,
                title,
                description,
                acceptanceCriteria,
                dependsOn,
                steps,
                status,
                null,
                null,
                agent,
                null,
                null,
                0,
                null,
                Map.of(),
                List.of(),
                null,
                null,
                Usage.NONE,
                RetryState.NONE,
                null,
                null,
                source);
    }
}
