package dev.planexec.cli;

import dev.planexec.agent.AgentEnvironment;
import dev.planexec.agent.AgentProvider;
import dev.planexec.agent.AgentRegistry;
import dev.planexec.agent.AgentStatus;
import dev.planexec.plan.Agents;
import dev.planexec.plan.Plan;
import dev.planexec.plan.TaskStatus;
import java.nio.file.Path;
import java.util.Optional;
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
        noticeUnreadyAgents(loaded);
        return ExitCodes.OK;
    }

    /**
     * The plan is valid whatever the agents' state, but an agent that is not ready here is named now, a line each:
     * its tasks would fail when run. The embedded {@code local} agent needs nothing, so a plan that runs only on it
     * loads no agent code at all ({@code validate} stays a short command).
     */
    private void noticeUnreadyAgents(Plan loaded) {
        CliContext context = parent.context;
        Set<String> needed = new TreeSet<>();
        loaded.tasks().stream()
                .filter(t -> t.status() != TaskStatus.DONE)
                .forEach(t -> needed.add(Agents.agentFor(loaded, t, null)));
        needed.remove(Agents.LOCAL);
        if (needed.isEmpty()) {
            return;
        }
        AgentRegistry registry = AgentRegistry.load();
        AgentEnvironment environment = new AgentEnvironment(context.stateDir().root(), context.env(), null);
        // A loop, not lambdas: picocli reads this class's methods, and a lambda's method taking an AgentProvider would
        // load the agent classes for every validate.
        for (String name : needed) {
            Optional<AgentProvider> provider = registry.find(name);
            if (provider.isEmpty()) {
                continue;
            }
            AgentStatus status = provider.get().status(environment);
            if (!status.ready()) {
                context.out().println("notice: " + name + " agent not ready, its tasks would fail: " + status.detail());
            }
        }
    }
}
