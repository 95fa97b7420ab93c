package dev.planexec.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.planexec.agent.AgentEnvironment;
import dev.planexec.agent.AgentException;
import dev.planexec.agent.AgentRegistry;
import dev.planexec.agent.copilot.ServerAddresses;
import dev.planexec.console.LinePrinter;
import dev.planexec.console.OrphanPrompt;
import dev.planexec.isolation.IsolationException;
import dev.planexec.isolation.Isolations;
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
import dev.planexec.store.RunStateFile;
import dev.planexec.store.SaveFailedException;
import dev.planexec.store.StateDir;
import dev.planexec.text.ControlChars;
import java.io.IOException;
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
     * @param copilotUrls {@code --copilot-url}: Copilot servers, {@code HOST:PORT}; empty for none given
     * @param notifications the full-screen UI rings and notifies when the run needs the user ({@code --no-notify}: not)
     * @param isolation {@code --isolation}: {@code worktree}, {@code none}, or {@code null} for the plan's own
     */
    record Request(
            Path planFile,
            String agent,
            int concurrency,
            OrphanPolicy orphans,
            boolean plain,
            String model,
            List<String> copilotUrls,
            boolean notifications,
            String isolation) {}

    int run(Request request) {
        Plan plan = load(request.planFile());
        checkRunnable(request, plan);
        StateDir state = context.stateDir();
        LogFile log = new LogFile(state.logFile());
        int idWidth = plan.tasks().stream().mapToInt(t -> t.id().length()).max().orElse(4);
        LinePrinter printer = new LinePrinter(context.out(), context.arrow(), idWidth);

        try (PlanLock lock = acquireLock(request.planFile(), printer);
                AgentPool agents = new AgentPool(
                        AgentRegistry.load(),
                        new AgentEnvironment(state.root(), agentEnv(request, plan), request.model()),
                        request.agent())) {
            // Someone may have changed the file between our first read and the lock: read the locked truth.
            plan = load(request.planFile());
            // The state a run kept beside the plan while the file was not valid comes back into the file first.
            PlanStore store = PlanStore.open(request.planFile(), plan, AgentRegistry.NAMES, printer::note);
            plan = store.current();
            openAgents(plan, agents, printer);
            Isolations isolations = isolations(request, store, agents, state);
            log.info("run " + request.planFile().toAbsolutePath() + " (pid "
                    + ProcessHandle.current().pid() + ")");

            Recovery recovery = new Recovery(store, agents, isolations);
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
                        .run(request, store, agents, isolations, askOnScreen ? orphans : List.of(), recovered);
            }
            RunOptions options = new RunOptions(request.concurrency(), recovered.resume(), recovered.held(), true);
            Scheduler scheduler = new Scheduler(store, agents, options, printer, log, isolations);
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

    /**
     * Which isolation the run's tasks get; a plan that asks for worktrees where there can be none is refused here,
     * before anything runs.
     */
    private static Isolations isolations(Request request, PlanStore store, AgentPool agents, StateDir state) {
        Plan plan = store.current();
        try {
            return Isolations.choose(
                    plan,
                    Scheduler.workingDirectory(store),
                    state.root(),
                    request.isolation(),
                    task -> !Agents.LOCAL.equals(agents.agentFor(plan, task)));
        } catch (IsolationException e) {
            throw PlanexecException.invalidInput(request.planFile() + ": " + ControlChars.visible(e.getMessage()));
        }
    }

    /**
     * Loads the plan; if it is not valid and a run left its state beside it, says so too, so the user knows the
     * state is safe and when it comes back.
     */
    private static Plan load(Path planFile) {
        try {
            return PlanLoading.loadForRun(planFile);
        } catch (PlanexecException e) {
            RunStateFile leftover = RunStateFile.of(planFile, AgentRegistry.NAMES);
            if (e.exitCode() != ExitCodes.BAD_INPUT || !leftover.exists()) {
                throw e;
            }
            List<String> lines = new java.util.ArrayList<>(e.lines());
            lines.add(leftover.path() + " holds the state of a run that could not write it into the plan file;"
                    + " it is applied when you run the plan again after fixing it");
            throw PlanexecException.invalidInput(lines);
        }
    }

    /**
     * The environment agents see: planexec's, with the Copilot servers to use in {@code PLANEXEC_COPILOT_URL}: those of
     * {@code --copilot-url}, else the plan's {@code copilotUrls}, else the variable as it was.
     */
    private Map<String, String> agentEnv(Request request, Plan plan) {
        List<String> servers =
                request.copilotUrls().isEmpty() ? planServers(request.planFile(), plan) : request.copilotUrls();
        if (servers.isEmpty()) {
            return context.env();
        }
        Map<String, String> env = new java.util.HashMap<>(context.env());
        env.put(ServerAddresses.VARIABLE, String.join(",", servers));
        return env;
    }

    /** The plan's {@code copilotUrls}: an array of {@code HOST:PORT} strings. */
    private static List<String> planServers(Path planFile, Plan plan) {
        JsonNode field = plan.source() == null ? null : plan.source().field("copilotUrls");
        if (field == null || field.isNull()) {
            return List.of();
        }
        List<String> servers = new java.util.ArrayList<>();
        if (field.isArray()) {
            for (JsonNode item : field) {
                String problem =
                        item.isTextual() ? ServerAddresses.problem(item.asText().strip()) : "not text";
                if (problem != null) {
                    throw PlanexecException.invalidInput(planFile + ": copilotUrls: " + problem);
                }
                servers.add(item.asText().strip());
            }
            return servers;
        }
        throw PlanexecException.invalidInput(planFile + ": copilotUrls must be an array of \"HOST:PORT\" strings");
    }

    /**
     * Problems the plan file alone does not show: {@code --agent local} with tasks without steps. (A missing working
     * folder is one of the plan's problems: {@code PlanFiles.load} reports it, for {@code validate} too.)
     */
    private static void checkRunnable(Request request, Plan plan) {
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
     * in, its model reachable). One that is not is named now, in a line; its tasks fail with that reason when their
     * turn comes, and the other agents' tasks run.
     */
    private static void openAgents(Plan plan, AgentPool agents, LinePrinter printer) {
        Set<String> needed = new LinkedHashSet<>();
        for (Task task : plan.tasks()) {
            if (task.status() != TaskStatus.DONE) {
                needed.add(agents.agentFor(plan, task));
            }
        }
        for (String name : needed) {
            agents.prepare(name)
                    .ifPresentOrElse(
                            why -> printer.note(name + " agent not ready, its tasks will fail: " + why),
                            () -> notices(agents, name).forEach(n -> printer.note(name + ": " + n)));
        }
    }

    private static List<String> notices(AgentPool agents, String name) {
        try {
            return agents.runtime(name).notices();
        } catch (AgentException e) {
            return List.of();
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
