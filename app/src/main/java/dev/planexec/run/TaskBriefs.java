package dev.planexec.run;

import dev.planexec.agent.Prompts;
import dev.planexec.agent.TaskBrief;
import dev.planexec.plan.Plan;
import dev.planexec.plan.Task;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Builds the {@link TaskBrief} an agent gets from the plan: the task, the tasks it depends on with their results,
 * and the plan's other tasks. It lives here, not in {@code agent}, because only {@code run} may read the plan; the
 * prompt's wording and bounds are {@link Prompts}'.
 */
final class TaskBriefs {
    /** How many of the plan's other tasks a prompt lists for context. */
    static final int MAX_OTHER_TASKS = 50;

    private TaskBriefs() {}

    static TaskBrief of(Plan plan, Task task, Path planFile) {
        List<TaskBrief.Dependency> dependencies = new ArrayList<>();
        for (String id : task.dependsOn()) {
            plan.task(id)
                    .ifPresent(d -> dependencies.add(new TaskBrief.Dependency(
                            d.id(), d.title(), d.status().json(), d.agentResult(), d.sessionId())));
        }
        Set<String> deps = Set.copyOf(task.dependsOn());
        List<TaskBrief.OtherTask> others = new ArrayList<>();
        for (Task t : plan.tasks()) {
            if (others.size() >= MAX_OTHER_TASKS) {
                break;
            }
            if (!t.id().equals(task.id()) && !deps.contains(t.id())) {
                others.add(new TaskBrief.OtherTask(t.id(), t.title(), t.status().json()));
            }
        }
        List<TaskBrief.StepSpec> steps = task.steps().stream()
                .map(s -> new TaskBrief.StepSpec(
                        s.run(), s.timeoutSeconds() == null ? null : Duration.ofSeconds(s.timeoutSeconds())))
                .toList();
        return new TaskBrief(
                plan.id(),
                plan.name() == null ? "" : plan.name(),
                plan.description() == null ? "" : plan.description(),
                planFile.toAbsolutePath().toString(),
                task.id(),
                task.title(),
                task.description(),
                task.acceptanceCriteria(),
                steps,
                dependencies,
                others);
    }
}
