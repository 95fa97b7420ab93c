package dev.planexec.recovery;

import dev.planexec.agent.AgentException;
import dev.planexec.plan.Plan;
import dev.planexec.plan.Task;
import dev.planexec.run.AgentPool;
import dev.planexec.store.PlanStore;
import dev.planexec.store.SaveFailedException;
import java.util.Set;
import java.util.function.Consumer;

/** {@code planexec reset}: tasks back to {@code pending} as if they never ran, their sessions removed. */
public final class PlanReset {
    private PlanReset() {}

    /**
     * Resets the tasks in {@code taskIds} (every task if empty).
     *
     * @return how many sessions were removed
     */
    public static int reset(PlanStore store, AgentPool agents, Set<String> taskIds, Consumer<String> notices)
            throws SaveFailedException {
        Plan plan = store.current();
        int removed = 0;
        for (Task task : plan.tasks()) {
            if (!taskIds.isEmpty() && !taskIds.contains(task.id()) || task.sessionId() == null) {
                continue;
            }
            try {
                agents.runtime(agents.agentFor(plan, task)).delete(task.sessionId());
                removed++;
            } catch (AgentException e) {
                notices.accept(task.id() + ": could not remove session " + task.sessionId() + ": " + e.getMessage());
            }
        }
        store.update(p -> p.withTasks(p.tasks().stream()
                .map(t -> taskIds.isEmpty() || taskIds.contains(t.id()) ? t.cleared() : t)
                .toList()));
        return removed;
    }
}
