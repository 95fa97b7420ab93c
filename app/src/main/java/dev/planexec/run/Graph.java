package dev.planexec.run;

import dev.planexec.plan.Plan;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The dependency graph of a validated plan, by task index, for the scheduler. */
final class Graph {
    private final Plan initial;
    private final Map<String, Integer> index;
    private final int[][] deps;
    private final List<List<Integer>> dependents;
    private final boolean[] done;

    Graph(Plan plan) {
        this.initial = plan;
        this.index = plan.indexById();
        int n = plan.tasks().size();
        deps = new int[n][];
        dependents = new ArrayList<>(n);
        done = new boolean[n];
        for (int i = 0; i < n; i++) {
            dependents.add(new ArrayList<>(2));
        }
        for (int i = 0; i < n; i++) {
            Task task = plan.tasks().get(i);
            done[i] = task.status() == TaskStatus.DONE;
            deps[i] = task.dependsOn().stream().mapToInt(index::get).toArray();
            for (int d : deps[i]) {
                dependents.get(d).add(i);
            }
        }
    }

    int size() {
        return deps.length;
    }

    Task task(int i) {
        return initial.tasks().get(i);
    }

    Integer indexOf(String taskId) {
        return index.get(taskId);
    }

    void markDone(int i) {
        done[i] = true;
    }

    List<Integer> dependentsOf(int i) {
        return dependents.get(i);
    }

    boolean depsDone(int i) {
        for (int d : deps[i]) {
            if (!done[d]) {
                return false;
            }
        }
        return true;
    }
}
