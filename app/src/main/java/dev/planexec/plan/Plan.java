package dev.planexec.plan;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A plan: tasks with dependencies. Immutable; {@link #withTask} returns a new plan.
 *
 * @param agent the plan's default agent, or {@code null}
 * @param workingDirectory relative to the plan file's folder, or {@code null} for that folder
 * @param source the file the plan was read from, whose bytes a save edits (see {@link PlanSource}); {@code null} if
 *     made in code
 */
public record Plan(
        String id,
        String name,
        String description,
        String createdAt,
        String updatedAt,
        String agent,
        String workingDirectory,
        List<Task> tasks,
        PlanSource source) {

    public Plan {
        tasks = List.copyOf(tasks);
    }

    public Optional<Task> task(String taskId) {
        return tasks.stream().filter(t -> t.id().equals(taskId)).findFirst();
    }

    /** Index of each task id in {@link #tasks()}: plans can have thousands of tasks. */
    public Map<String, Integer> indexById() {
        Map<String, Integer> index = new HashMap<>(tasks.size() * 2);
        for (int i = 0; i < tasks.size(); i++) {
            index.put(tasks.get(i).id(), i);
        }
        return index;
    }

    /**
     * The plan with the task named {@code taskId} changed; the same plan if it has no such task (the user may have
     * removed it from the file while it was being changed).
     */
    public Plan withTask(String taskId, UnaryOperator<Task> change) {
        for (int i = 0; i < tasks.size(); i++) {
            if (tasks.get(i).id().equals(taskId)) {
                List<Task> changed = new ArrayList<>(tasks);
                changed.set(i, change.apply(tasks.get(i)));
                return withTasks(changed);
            }
        }
        return this;
    }

    public Plan withTasks(List<Task> newTasks) {
        return new Plan(id, name, description, createdAt, updatedAt, agent, workingDirectory, newTasks, source);
    }

    public Plan withUpdatedAt(String now) {
        return new Plan(id, name, description, createdAt, now, agent, workingDirectory, tasks, source);
    }

    public long count(TaskStatus status) {
        return tasks.stream().filter(t -> t.status() == status).count();
    }
}
