package dev.planexec.cli;

import dev.planexec.agent.AgentRegistry;
import dev.planexec.text.ControlChars;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code planexec run PLAN.json}: parses, then hands over to {@link RunWorkflow}. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            // One sentence per entry: picocli wraps each to the terminal, so a sentence split over two entries would
            // break mid-line.
            "Run a plan: each task in its own agent session, in dependency order.",
            "On a terminal it opens the full-screen UI; with --plain, or when stdout is not a terminal, it prints one"
                    + " line per task state change."
        })
final class RunCommand implements Callable<Integer> {
    @ParentCommand
    PlanexecCommand parent;

    @Parameters(index = "0", paramLabel = "PLAN.json", description = "The plan file.")
    Path plan;

    @Option(
            names = "--agent",
            paramLabel = "NAME",
            completionCandidates = AgentNameCandidates.class,
            description = "Run every task on this agent: ${COMPLETION-CANDIDATES}.")
    String agent;

    @Option(
            names = "--concurrency",
            paramLabel = "N",
            defaultValue = "2",
            description = "Tasks at once (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(
            names = "--plain",
            description = "Line mode: one line per task state change, no full-screen UI (also when stdout is not a "
                    + "terminal).")
    boolean plain;

    @Option(
            names = "--model",
            paramLabel = "NAME",
            description = "The model prompt-driven agents ask for (Copilot: overrides COPILOT_MODEL; default: the "
                    + "agent's own).")
    String model;

    @Mixin
    CopilotServerOptions copilotServers = new CopilotServerOptions();

    @Option(
            names = "--on-orphans",
            paramLabel = "CHOICE",
            defaultValue = "ask",
            description = "What to do with tasks a dead or stopped run left: ask, resume, fresh, clean "
                    + "(default: ${DEFAULT-VALUE}).")
    String onOrphans;

    @Option(
            names = "--isolation",
            paramLabel = "KIND",
            description = "worktree: each task in its own git worktree and branch, merged into planexec/<plan-id>;"
                    + " none: every task in the plan's working directory. Overrides the plan's \"isolation\""
                    + " (default: worktree for a plan with prompt-driven tasks in a git repository, else none).")
    String isolation;

    @Option(
            names = "--no-notify",
            description = "No bell or desktop notification when the run ends, a task fails or the recovery dialog "
                    + "waits (also: PLANEXEC_NOTIFY=0).")
    boolean noNotify;

    @Override
    public Integer call() {
        if (isolation != null && !isolation.equals("worktree") && !isolation.equals("none")) {
            throw PlanexecException.invalidInput(
                    "--isolation: must be worktree or none, not \"" + ControlChars.visible(isolation) + "\"");
        }
        if (agent != null && !AgentRegistry.NAMES.contains(agent)) {
            throw PlanexecException.invalidInput("--agent: unknown agent \"" + agent + "\" (expected one of "
                    + String.join(", ", AgentRegistry.NAMES) + ")");
        }
        if (concurrency < 1) {
            throw PlanexecException.invalidInput("--concurrency: must be at least 1, not " + concurrency);
        }
        OrphanPolicy policy = OrphanPolicy.parse(onOrphans);
        return new RunWorkflow(parent.context)
                .run(new RunWorkflow.Request(
                        plan, agent, concurrency, policy, plain, model, copilotServers.urls, !noNotify, isolation));
    }
}
