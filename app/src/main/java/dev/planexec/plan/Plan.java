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
 * @param retries how many times a task's transient failure is retried ({@code "retries"}), or {@code null} for the
 *     default, {@link dev.planexec.plan.Plan#DEFAULT_RETRIES}
 * @param retryDelaySeconds the first retry's delay ({@code "retryDelaySeconds"}), or {@code null} for the default
 * @param isolation {@code worktree}, {@code none}, or {@code null} for the default (see README "Isolation")
 * @param worktreeFiles untracked files (paths relative to the repository's top folder, such as {@code .env}) copied
 *     into each new worktree
 * @param gitBase the commit and branch the plan's first isolated run started from; {@code null} until then
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
        Integer retries,
        Integer retryDelaySeconds,
        String isolation,
        List<String> worktreeFiles,
        GitBase gitBase,
        PlanSource source) {

    /** A transient failure is retried once unless the plan or task says otherwise. */
    public static final int DEFAULT_RETRIES = 1;
    /** The first retry waits about this long; each further one twice as long, up to a cap. */
    public static final int DEFAULT_RETRY_DELAY_SECONDS = 10;

    public Plan {
        tasks = List.copyOf(tasks);
        worktreeFiles = worktreeFiles == null ? List.of() : List.copyOf(worktreeFiles);
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
        return with(newTasks, updatedAt, gitBase);
    }

    public Plan withUpdatedAt(String now) {
        return with(tasks, now, gitBase);
    }

    /** The plan with its recorded git base: written ahead, before the integration branch is made from it. */
    public Plan withGitBase(GitBase base) {
        return with(tasks, updatedAt, base);
    }

    /** The one copy of the plan with the fields a run changes given; the user's fields always come from this plan. */
    private Plan with(List<Task> newTasks, String newUpdatedAt, GitBase newGitBase) {
        return new Plan(
                id,
                name,
                description,
                createdAt,
                newUpdatedAt,
                agent,
                workingDirectory,
                newTasks,
                retries,
                retryDelaySeconds,
                isolation,
                worktreeFiles,
                newGitBase,
                source);
    }

    public long count(TaskStatus status) {
        return tasks.stream().filter(t -> t.status() == status).count();
    }

    /** How many retries {@code task} gets: its own {@code retries}, else the plan's, else the default. */
    public int retriesFor(Task task) {
        return task.retries() != null ? task.retries() : retries != null ? retries : DEFAULT_RETRIES;
    }

    /** The first retry's delay for {@code task}, in seconds. */
    public int retryDelayFor(Task task) {
        return task.retryDelaySeconds() != null
                ? task.retryDelaySeconds()
                : retryDelaySeconds != null ? retryDelaySeconds : DEFAULT_RETRY_DELAY_SECONDS;
    }
}
