package dev.planexec.plan;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The checks that need the whole plan: task ids, dependencies, cycles and agents. Every problem is reported, not
 * only the first.
 */
final class PlanValidator {
    private final List<PlanProblem> problems;
    private final List<String> agentNames;

    /** @param agentNames the agent names a plan may use, in the order a problem lists them; {@code null}: any name */
    PlanValidator(List<PlanProblem> problems, List<String> agentNames) {
        this.problems = problems;
        this.agentNames = agentNames;
    }

    /**
     * @param unreadableSteps tasks whose steps were already reported as unreadable
     * @param unreadableId whether a task's id was reported as not a string (dependencies may name it)
     */
    void validate(Plan plan, List<String> taskPointers, Set<String> unreadableSteps, boolean unreadableId) {
        if (plan.agent() != null && !isKnown(plan.agent())) {
            problems.add(new PlanProblem("/agent", unknownAgent(plan.agent())));
        }
        Map<String, Integer> firstIndex = new HashMap<>();
        List<Task> tasks = plan.tasks();
        for (int i = 0; i < tasks.size(); i++) {
            Task task = tasks.get(i);
            String at = taskPointers.get(i);
            Integer earlier = firstIndex.putIfAbsent(task.id(), i);
            if (earlier != null) {
                problems.add(new PlanProblem(
                        at + "/id",
                        "duplicate task id \"" + task.id() + "\" (first used at " + taskPointers.get(earlier) + ")"));
            }
            if (task.agent() != null && !isKnown(task.agent())) {
                problems.add(new PlanProblem(at + "/agent", unknownAgent(task.agent())));
            }
            String agent = task.agent() != null ? task.agent() : plan.agent();
            if (Agents.LOCAL.equals(agent) && !task.hasSteps() && !unreadableSteps.contains(at)) {
                problems.add(new PlanProblem(
                        task.agent() != null ? at + "/agent" : at,
                        "task \"" + task.id() + "\" runs on the local agent but has no \"steps\""));
            }
        }
        for (int i = 0; i < tasks.size(); i++) {
            Task task = tasks.get(i);
            List<String> deps = task.dependsOn();
            for (int d = 0; d < deps.size(); d++) {
                if (!unreadableId && !firstIndex.containsKey(deps.get(d))) {
                    problems.add(new PlanProblem(
                            taskPointers.get(i) + "/dependsOn/" + d,
                            "task \"" + task.id() + "\" depends on unknown task \"" + deps.get(d) + "\""));
                }
            }
        }
        reportCycles(tasks, firstIndex, taskPointers);
    }

    /**
     * Depth-first search with an explicit stack (a chain of thousands of tasks must not overflow the Java stack);
     * each cycle is named once, from the task where the search found it.
     */
    private void reportCycles(List<Task> tasks, Map<String, Integer> indexOf, List<String> taskPointers) {
        int n = tasks.size();
        int[] state = new int[n]; // 0 unvisited, 1 on the current path, 2 finished
        Set<String> reported = new HashSet<>();
        for (int start = 0; start < n; start++) {
            if (state[start] != 0) {
                continue;
            }
            Deque<int[]> stack = new ArrayDeque<>(); // {task index, next dependency to look at}
            List<Integer> path = new ArrayList<>();
            stack.push(new int[] {start, 0});
            state[start] = 1;
            path.add(start);
            while (!stack.isEmpty()) {
                int[] top = stack.peek();
                List<String> deps = tasks.get(top[0]).dependsOn();
                if (top[1] >= deps.size()) {
                    state[top[0]] = 2;
                    stack.pop();
                    path.remove(path.size() - 1);
                    continue;
                }
                int depSlot = top[1]++;
                Integer dep = indexOf.get(deps.get(depSlot));
                if (dep == null || state[dep] == 2) {
                    continue;
                }
                if (state[dep] == 1) {
                    List<Integer> cycle = path.subList(path.indexOf(dep), path.size());
                    List<String> names = new ArrayList<>();
                    for (int c : cycle) {
                        names.add(tasks.get(c).id());
                    }
                    Set<String> key = new HashSet<>(names);
                    if (reported.add(String.join("\u0000", new TreeSet<>(key)))) {
                        names.add(tasks.get(dep).id());
                        problems.add(new PlanProblem(
                                taskPointers.get(top[0]) + "/dependsOn/" + depSlot,
                                "dependency cycle: " + String.join(" -> ", names)));
                    }
                    continue;
                }
                state[dep] = 1;
                path.add(dep);
                stack.push(new int[] {dep, 0});
            }
        }
    }

    private boolean isKnown(String agent) {
        return agentNames == null || agentNames.contains(agent);
    }

    private String unknownAgent(String name) {
        return "unknown agent \"" + name + "\" (expected one of " + String.join(", ", agentNames) + ")";
    }
}
