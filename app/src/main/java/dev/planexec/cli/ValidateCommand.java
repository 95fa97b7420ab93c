package dev.planexec.cli;

import dev.planexec.plan.Agents;
import dev.planexec.plan.Plan;
import dev.planexec.plan.TaskStatus;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code planexec validate PLAN.json}: every problem as {@code file:line:column: message}, exit code 2. */
@Command(
        name = "validate",
        mixinStandardHelpOptions = true,
        description = "Check a plan file without running it; every problem is reported as file:line:column.")
final class ValidateCommand implements Callable<Integer> {
    @ParentCommand
    PlanexecCommand parent;

    @Parameters(index = "0", paramLabel = "PLAN.json", description = "The plan file.")
    Path plan;

    @Override
    public Integer call() {
        Plan loaded = PlanLoading.loadForRun(plan);
        parent.context
                .out()
                .printf(
                        "%s: valid, %d tasks (%d done, %d pending)%n",
                        plan, loaded.tasks().size(), loaded.count(TaskStatus.DONE), loaded.count(TaskStatus.PENDING));
        Set<String> needed = new TreeSet<>();
        loaded.tasks().stream()
                .filter(t -> t.status() != TaskStatus.DONE)
                .forEach(t -> needed.add(Agents.agentFor(loaded, t, null)));
        // The embedded local agent needs nothing: a plan that runs only on it loads no agent code at all, so
        // validate stays a short command.
        needed.remove(Agents.LOCAL);
        if (!needed.isEmpty()) {
            UnreadyAgents.notice(parent.context, needed);
        }
        return ExitCodes.OK;
    }
}
