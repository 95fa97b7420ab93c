package dev.planexec.cli;

import dev.planexec.agent.AgentEnvironment;
import dev.planexec.agent.AgentException;
import dev.planexec.agent.AgentRegistry;
import dev.planexec.console.LinePrinter;
import dev.planexec.console.OrphanPrompt;
import dev.planexec.plan.Agents;
import dev.planexec.plan.Plan;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import dev.planexec.recovery.Orphan;
import dev.planexec.recovery.Recovery;
import dev.planexec.recovery.RecoveryAction;
import dev.planexec.recovery.RecoveryResult;
import dev.planexec.run.AgentPool;
import dev.planexec.run.RunOptions;
import dev.planexec.run.RunSummary;
import dev.planexec.run.Scheduler;
import dev.planexec.store.LogFile;
import dev.planexec.store.PlanLock;
import dev.planexec.store.PlanLockedException;
import dev.planexec.store.PlanStore;
import dev.planexec.store.SaveFailedException;
import dev.planexec.store.StateDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What {@code planexec run} does, in order: load and check the plan, take its lock, open the agents it needs,
 * settle orphaned tasks, run the scheduler with a line printer, and map the outcome to an exit code.
 */
final class RunWorkflow {
    private final CliContext context;

    RunWorkflow(CliContext context) {
        this.context = context;
    }

    /**
     * @param plain line mode even on a terminal
     * @param model {@code --model}: the model prompt-driven agents ask for, or {@code null} for their default
     * @param notifications the full-screen UI rings and notifies when the run needs the user ({@code --no-notify}: not)
     */
    record Request(
            Path planFile,
            String agent,
            int concurrency,
            OrphanPolicy orphans,
            boolean plain,
            String model,
            boolean notifications) {}

    int run(Request request) {
        Plan plan = PlanLoading.load(request.planFile());
        checkRunnable(request, plan);
        StateDir state = context.stateDir();
        LogFile log = new LogFile(state.logFile());
        int idWidth = plan.tasks().stream().mapToInt(t -> t.id().length()).max().orElse(4);
        LinePrinter printer = new LinePrinter(context.out(), context.arrow(), idWidth);

        try (PlanLock lock = acquireLock(request.planFile(), printer);
                AgentPool agents = new AgentPool(
                        AgentRegistry.load(),
                        new AgentEnvironment(state.root(), context.env(), request.model()),
                        request.agent())) {
            // Someone may have changed the file between our first read and the lock: read the locked truth.
            plan = PlanLoading.load(request.planFile());
            PlanStore store = new PlanStore(request.planFile(), plan);
            openAgents(plan, agents);
            log.info("run " + request.planFile().toAbsolutePath() + " (pid "
                    + ProcessHandle.current().pid() + ")");

            Recovery recovery = new Recovery(store, agents);
            recovery.resetSessionless();
            List<Orphan> orphans = findOrphans(recovery);
            boolean fullScreen = context.interactive() && !request.plain();
            boolean askOnScreen = fullScreen && request.orphans().ask() && !orphans.isEmpty();
            RecoveryResult recovered = askOnScreen ? RecoveryResult.NONE : settle(request, recovery, orphans, printer);
            if (store.current().tasks().stream().allMatch(t -> t.status() == TaskStatus.DONE)) {
                printer.note("every task of " + request.planFile() + " is already done; 'planexec reset "
                        + request.planFile() + "' starts it over");
                return ExitCodes.OK;
            }
            if (fullScreen) {
                return new TuiRun(context, log)
                        .run(request, store, agents, askOnScreen ? orphans : List.of(), recovered);
            }
            RunOptions options = new RunOptions(request.concurrency(), recovered.resume(), recovered.held(), true);
            Scheduler scheduler = new Scheduler(store, agents, options, printer, log);
            RunSummary summary;
            try (GracefulStop stop = new GracefulStop(scheduler, printer::note).install()) {
                summary = scheduler.run();
            }
            return switch (summary.outcome()) {
                case COMPLETED -> ExitCodes.OK;
                case INCOMPLETE -> ExitCodes.NOT_DONE;
                case INTERRUPTED -> ExitCodes.INTERRUPTED;
                case SAVE_FAILED ->
                    throw PlanexecException.failed(summary.saveError() + "; the plan file keeps its last saved state");
            };
        } catch (SaveFailedException e) {
            throw PlanexecException.failed(e.getMessage() + "; the plan file keeps its last saved state");
        }
    }

    /** Problems the plan file alone does not show: a missing working folder, {@code --agent local} without steps. */
    private static void checkRunnable(Request request, Plan plan) {
        Path planDir = request.planFile().toAbsolutePath().getParent();
        String wd = plan.workingDirectory();
        if (wd != null && !wd.isBlank() && !Files.isDirectory(planDir.resolve(wd))) {
            throw PlanexecException.invalidInput(request.planFile() + ": workingDirectory \"" + wd
                    + "\" is not a folder (it is relative to the plan file's folder)");
        }
        if (Agents.LOCAL.equals(request.agent())) {
            List<String> stepless = plan.tasks().stream()
                    .filter(t -> !t.hasSteps() && t.status() != TaskStatus.DONE)
                    .map(Task::id)
                    .toList();
            if (!stepless.isEmpty()) {
                throw PlanexecException.invalidInput("--agent local: task" + (stepless.size() > 1 ? "s " : " ")
                        + String.join(", ", stepless) + " in " + request.planFile()
                        + (stepless.size() > 1 ? " have" : " has") + " no steps to run");
            }
        }
    }

    private PlanLock acquireLock(Path planFile, LinePrinter printer) {
        try {
            return PlanLock.acquire(planFile, printer::note);
        } catch (PlanLockedException e) {
            throw PlanexecException.locked(e.getMessage());
        } catch (IOException e) {
            throw PlanexecException.invalidInput("cannot lock " + planFile + ": " + e.getMessage());
        }
    }

    /**
     * Opens, before anything runs, every agent that a task still to do needs, and checks it is ready to work (signed
     * in, its model reachable): a missing or unready one fails now.
     */
    private static void openAgents(Plan plan, AgentPool agents) {
        Set<String> needed = new LinkedHashSet<>();
        for (Task task : plan.tasks()) {
            if (task.status() != TaskStatus.DONE) {
                needed.add(agents.agentFor(plan, task));
            }
        }
        for (String name : needed) {
            try {
                agents.runtime(name).checkReady();
            } catch (AgentException e) {
                throw PlanexecException.invalidInput(e.getMessage());
            }
        }
    }

    private static List<Orphan> findOrphans(Recovery recovery) {
        try {
            return recovery.findOrphans();
        } catch (AgentException e) {
            throw PlanexecException.invalidInput(e.getMessage());
        }
    }

    /** Settles orphans in line mode: by {@code --on-orphans}, or by asking on the terminal with JLine. */
    private RecoveryResult settle(Request request, Recovery recovery, List<Orphan> orphans, LinePrinter printer)
            throws SaveFailedException {
        if (orphans.isEmpty()) {
            return RecoveryResult.NONE;
        }
        Map<String, RecoveryAction> choices = new LinkedHashMap<>();
        if (request.orphans().ask()) {
            if (!context.interactive()) {
                throw PlanexecException.invalidInput(request.planFile() + ": " + orphans.size()
                        + " orphaned task(s) ("
                        + String.join(", ", orphans.stream().map(Orphan::taskId).toList())
                        + ") and no terminal to ask on; choose with --on-orphans resume, fresh or clean");
            }
            context.out().flush();
            Optional<Map<String, RecoveryAction>> answer;
            try {
                answer = OrphanPrompt.ask(orphans);
            } catch (IOException e) {
                throw PlanexecException.invalidInput("cannot ask on this terminal (" + e.getMessage()
                        + "); choose with --on-orphans resume, fresh or clean");
            }
            choices.putAll(answer.orElseThrow(() -> PlanexecException.interrupted("nothing changed")));
        } else {
            RecoveryAction action = request.orphans().action().orElseThrow();
            orphans.forEach(o -> choices.put(o.taskId(), action));
        }
        return recovery.apply(choices, printer::note);
    }
}
