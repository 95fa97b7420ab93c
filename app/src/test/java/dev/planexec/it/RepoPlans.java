package dev.planexec.it;

import dev.planexec.agent.AgentRegistry;
import dev.planexec.plan.InvalidPlanException;
import dev.planexec.plan.Plan;
import dev.planexec.plan.PlanFiles;
import dev.planexec.plan.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The sample plans of the repository ({@code plans/}), copied for a test with every task as if it never ran: a
 * developer who ran one (the README's first command runs the demo) has its state saved in the checkout.
 */
public final class RepoPlans {
    private RepoPlans() {}

    /** Writes {@code plans/<name>} of the repository, fresh, to {@code target} and returns {@code target}. */
    public static Path freshCopy(String name, Path target) throws IOException {
        Path root = Path.of(System.getProperty("planexec.root", ".."));
        Plan plan;
        try {
            plan = PlanFiles.load(root.resolve("plans").resolve(name), AgentRegistry.NAMES);
        } catch (InvalidPlanException e) {
            throw new AssertionError("the repository's plans/" + name + " is invalid: " + e.getMessage(), e);
        }
        Files.createDirectories(target.toAbsolutePath().getParent());
        Files.write(
                target,
                PlanFiles.toJson(
                        plan.withTasks(plan.tasks().stream().map(Task::cleared).toList())));
        return target;
    }
}
