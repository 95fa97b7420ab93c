package dev.planexec.run;

import dev.planexec.plan.Plan;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The dependency graph of a validated plan, by task id, for the scheduler. The task set can change during a run (an
 * edit of the file merged in): the scheduler then builds a new graph from the merged plan.
 */
final class Graph {
    private final Map<String, Node> nodes;

    private static final class Node {
        final int order;
        final List<String> deps;
        final List<String> dependents = new ArrayList<>(2);
        boolean done;

        Node(int order, List<String> deps, boolean done) {
            this.order = order;
            this.deps = deps;
            this.done = done;
        }
    }

    Graph(Plan plan) {
        List<Task> tasks = plan.tasks();
        nodes = new HashMap<>(tasks.size() * 2);
        for (int i = 0; i < tasks.size(); i++) {
            Task task = tasks.get(i);
            nodes.put(task.id(), new Node(i, task.dependsOn(), task.status() == TaskStatus.DONE));
        }
        for (Task task : tasks) {
            for (String dep : task.dependsOn()) {
                Node d = nodes.get(dep);
                if (d != null) {
                    d.dependents.add(task.id());
                }
            }
        }
    }

    boolean contains(String taskId) {
        return nodes.containsKey(taskId);
    }

    /** The task's position in the plan: tasks that are ready together start in the plan's order. */
    int order(String taskId) {
        Node node = nodes.get(taskId);
        return node == null ? Integer.MAX_VALUE : node.order;
    }

    void markDone(String taskId) {
        Node node = nodes.get(taskId);
        if (node != null) {
            node.done = true;
        }
    }

    List<String> dependentsOf(String taskId) {
        Node node = nodes.get(taskId);
        return node == null ? List.of() : node.dependents;
    }

    /** Whether every task it depends on is done; a dependency the plan no longer has is never done. */
    boolean depsDone(String taskId) {
        Node node = nodes.get(taskId);
        if (node == null) {
            return false;
        }
        for (String dep : node.deps) {
            Node d = nodes.get(dep);
            if (d == null || !d.done) {
                return false;
            }
        }
        return true;
    }
}
